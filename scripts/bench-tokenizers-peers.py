#!/usr/bin/env python3
"""Times the peers on the benchmark corpus: tiktoken (Llama 3 ranks and
pattern, encode_ordinary per document, 1 thread; encode_ordinary_batch on 2
threads) and HF `tokenizers` (tokenizer.json; encode per document on a prefix
of the corpus, since it is ~10x slower; encode_batch on 2 threads).
Prints one JSON object per line, like Lontar's harness.

Usage: bench-tokenizers-peers.py CORPUS_PREFIX MODELS_DIR [--repeats 3] [--hf-megabytes 10] [--skip-hf]
"""
import argparse
import base64
import json
import os
import statistics
import time

# Llama 3's pre-tokenizer pattern; checked against tokenizer.json when present.
LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                  r"|\s*[\r\n]+|\s+(?!\S)|\s+")


def load_ranks(path):
    """tokenizer.model: '<base64 token> <rank>' per line (what tiktoken.load reads)."""
    ranks = {}
    with open(path, "rb") as f:
        for line in f:
            if line.strip():
                token, rank = line.split()
                ranks[base64.b64decode(token)] = int(rank)
    return ranks


def load(prefix):
    with open(prefix + ".txt", "rb") as f:
        data = f.read()
    with open(prefix + ".offsets") as f:
        offsets = [int(x) for x in f.read().split()]
    return [data[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(len(offsets) - 1)]


def timed(fn, repeats):
    """Median wall and process CPU seconds over `repeats` runs after a warm-up."""
    fn()
    times, cpu, tokens = [], [], 0
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        tokens = fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    return (statistics.median(times), statistics.median(cpu)), tokens


def report(peer, mode, threads, nbytes, seconds, tokens):
    wall, cpu = seconds
    print(json.dumps({"peer": peer, "mode": mode, "threads": threads, "bytes": nbytes, "tokens": tokens,
                      "seconds": round(wall, 6), "MB_per_s": round(nbytes / 1e6 / wall, 3),
                      "cpu_seconds": round(cpu, 6), "MB_per_cpu_s": round(nbytes / 1e6 / cpu, 3)}), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("models")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--hf-megabytes", type=float, default=10.0)
    ap.add_argument("--skip-hf", action="store_true", help="time tiktoken only")
    args = ap.parse_args()
    os.environ.setdefault("RAYON_NUM_THREADS", "2")

    import tiktoken

    docs = load(args.corpus)
    nbytes = sum(len(d.encode("utf-8")) for d in docs)
    hf = None
    if not args.skip_hf:
        from tokenizers import Tokenizer
        hf = Tokenizer.from_file(os.path.join(args.models, "llama3/tokenizer.json"))
        pattern = json.loads(hf.to_str())["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"]
        assert pattern == LLAMA3_PATTERN, pattern
    ranks = load_ranks(os.path.join(args.models, "llama3/tokenizer.model"))
    enc = tiktoken.Encoding("llama3", pat_str=LLAMA3_PATTERN, mergeable_ranks=ranks, special_tokens={})

    s, n = timed(lambda: sum(len(enc.encode_ordinary(d)) for d in docs), args.repeats)
    report("tiktoken", "encode", 1, nbytes, s, n)
    s, n = timed(lambda: sum(len(x) for x in enc.encode_ordinary_batch(docs, num_threads=2)), args.repeats)
    report("tiktoken", "encode", 2, nbytes, s, n)

    if hf is None:
        return
    prefix, size = [], 0
    for d in docs:
        if size >= args.hf_megabytes * 1e6:
            break
        prefix.append(d)
        size += len(d.encode("utf-8"))
    s, n = timed(lambda: sum(len(hf.encode(d, add_special_tokens=False).ids) for d in prefix), 1)
    report("hf-tokenizers", "encode", 1, size, s, n)
    s, n = timed(lambda: sum(len(e.ids) for e in hf.encode_batch(prefix, add_special_tokens=False)), 1)
    report("hf-tokenizers", "encode", 2, size, s, n)


if __name__ == "__main__":
    main()
