#!/usr/bin/env python3
"""Writes a large JSON Lines file shaped like the paper's data set, for
Lontar's reader benchmark (never committed: it is generated data).

usage: make_bench_jsonl.py OUT.jsonl [ROWS] [AVG_BYTES]

Rows look like Hugging Face's arXiv/PubMed summarization instruction data:
{"id": <int>, "input": "Suppose that you have an abstract for a scientific
paper: <abstract>", "output": "<article opening>"}, with the corpus'
artifacts (@xcite, xmath12, line breaks, some non-ASCII). The defaults give
1,000,000 rows of about 1 KB: a file of about 1 GB.
"""
import json
import random
import sys

WORDS = ("the of and to in we a is that for with by as on this are be from at an which our model results "
         "energy field quantum data method function distribution system particle state can these two time "
         "using show high low mass phase large small order temperature spin density galaxy star").split()
ARTIFACTS = ["@xcite", "xmath0", "xmath12", "xmath345", "( @xcite )", "[ xmath7 ]", "é", "α", "–", "\n"]


def text(rng, n_bytes):
    out, size = [], 0
    while size < n_bytes:
        w = rng.choice(ARTIFACTS) if rng.random() < 0.06 else rng.choice(WORDS)
        out.append(w)
        size += len(w) + 1
    return " ".join(out)


def main():
    path = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    avg = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    rng = random.Random(42)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(rows):
            abstract = text(rng, int(avg * 0.3 * rng.uniform(0.5, 1.5)))
            article = text(rng, int(avg * 0.6 * rng.uniform(0.5, 1.5)))
            row = {"id": i,
                   "input": "Suppose that you have an abstract for a scientific paper: " + abstract
                            + " What are the main sections of the paper?",
                   "output": article}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
