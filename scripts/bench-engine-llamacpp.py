"""llama.cpp side of scripts/bench-engine: the same prompt ids (1000, 1001, ...),
the same prefill length and decode steps, greedy, best of 3. Prints one JSON line."""
import argparse, json, time

import llama_cpp
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--gguf", required=True)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--prompt", type=int, default=256)
ap.add_argument("--decode", type=int, default=128)
a = ap.parse_args()

llm = llama_cpp.Llama(model_path=a.gguf, n_ctx=a.prompt + a.decode + 8, n_batch=512, n_ubatch=512,
                      n_threads=a.threads, n_threads_batch=a.threads, logits_all=False, verbose=False)
vocab = llm.n_vocab()
prompt = [1000 + i % (vocab - 1000) for i in range(a.prompt)]
prefill = decode = float("inf")
for _ in range(3):
    llm.reset()
    t0 = time.perf_counter()
    llm.eval(prompt)
    prefill = min(prefill, time.perf_counter() - t0)
    t1 = time.perf_counter()
    for _ in range(a.decode):
        token = int(np.argmax(llm.scores[llm.n_tokens - 1]))
        llm.eval([token])
    decode = min(decode, time.perf_counter() - t1)
print(json.dumps({"engine": "llama.cpp", "format": "gguf", "threads": a.threads, "prompt_tokens": a.prompt,
                  "decode_tokens": a.decode, "prefill_tok_s": a.prompt / prefill, "decode_tok_s": a.decode / decode,
                  "llama_cpp_python": llama_cpp.__version__}, sort_keys=True))
