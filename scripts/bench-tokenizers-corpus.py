#!/usr/bin/env python3
"""Writes the tokenizer benchmark corpus: English technical prose.

The words come from real English text that every Python installation has
(the standard library's documentation topics, `pydoc_data.topics`): each
document of about 8 KB (as in shared/reference's throughput corpus) strings
together random windows of 8–40 consecutive words of it, so word frequencies
and punctuation are those of real prose, with paragraph breaks, extra numbers,
a few non-ASCII words and the arXiv/PubMed artifacts (@xcite, @xmath12)
mixed in. Seeded: the same arguments always give the same bytes.

With --kind rare, the documents are instead made mostly of 50,000 invented
words (random syllables, Zipf-distributed), so that most pieces are not
whole tokens and must be merged: a stress case for the merge loop and its
cache, harder than real text.

Output: <out>.txt (documents back to back, UTF-8) and <out>.offsets
(N + 1 byte offsets, one a line).

Usage: bench-tokenizers-corpus.py OUT_PREFIX [--megabytes 100] [--seed 7] [--kind prose|rare]
"""
import argparse
import random

from pydoc_data.topics import topics

EXTRA = ["naïve", "café", "µm", "α", "β", "γ", "Å", "°C", "±", "≈", "→", "北京", "Schrödinger",
         "Poincaré", "Erdős", "Gödel", "μ", "σ", "Δ", "—", "“", "”", "’", "@xcite", "@xmath12",
         "[ @xcite ]", "@xmath0", "1,234", "3.14159", "2024", "0.05", "( p < 0.01 )"]


SYLLABLES = """ab ac ad al am an ar as at ba be bi bo ca ce ci co cu da de di do du
el em en er es et fa fe fi fo ga ge gi go ha he hi ho ic id il im in io ir is it
ka ke ki la le li lo lu ma me mi mo mu na ne ni no nu ol om on op or os ot pa pe
pi po pu ra re ri ro ru sa se si so su ta te ti to tu ul um un ur us va ve vi vo
xy ze zo tion ment ness ous ive ing ated ism ist ity""".split()


def rare_words(rng, count):
    """`count` invented words and Zipf-like cumulative weights for them."""
    words = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 5))) for _ in range(count)]
    cumulative, acc = [], 0.0
    for i in range(count):
        acc += 1.0 / (i + 1) ** 0.8
        cumulative.append(acc)
    return words, cumulative


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--megabytes", type=float, default=100.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--kind", choices=["prose", "rare"], default="prose")
    args = ap.parse_args()
    rng = random.Random(args.seed)

    source = " ".join(topics[k] for k in sorted(topics)).split()
    if args.kind == "rare":
        words, cumulative = rare_words(rng, 50000)
    target = int(args.megabytes * 1e6)
    written = 0
    offsets = [0]
    with open(args.out + ".txt", "wb") as f:
        while written < target:
            parts = []
            size = 0
            while size < 8192:
                n = rng.randint(8, 40)
                if args.kind == "rare":
                    chunk = " ".join(rng.choices(words, cum_weights=cumulative, k=n)).capitalize() + "."
                else:
                    at = rng.randrange(0, len(source) - n)
                    chunk = " ".join(source[at:at + n])
                r = rng.random()
                if r < 0.3:
                    chunk += " " + rng.choice(EXTRA)
                elif r < 0.4:
                    chunk += " " + str(rng.randint(0, 10 ** rng.randint(1, 7)))
                parts.append(chunk)
                parts.append("\n\n" if rng.random() < 0.1 else " ")
                size += len(chunk) + 1
            data = ("".join(parts).strip() + "\n").encode("utf-8")
            f.write(data)
            written += len(data)
            offsets.append(written)
    with open(args.out + ".offsets", "w") as f:
        f.write("\n".join(map(str, offsets)) + "\n")


if __name__ == "__main__":
    main()
