"""PyTorch + PEFT side of scripts/bench-training: LoRA fine-tuning steps of
SmolLM2-135M in float32 on the CPU, the configuration Lontar is compared with.

Prints one JSON line: tokens/s, seconds per step and peak resident memory
(VmHWM, reset after loading so it measures training). Options: --threads,
--batch, --seq, --steps, --rank, --gguf (real weights; otherwise the same
architecture with random weights).
"""
import argparse
import json
import os
import resource
import time

import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM, LlamaConfig, LlamaForCausalLM


def rss(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--rank", type=int, default=16)
    ap.add_argument("--gguf")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.gguf:
        model = AutoModelForCausalLM.from_pretrained(os.path.dirname(os.path.abspath(args.gguf)),
                                                     gguf_file=os.path.basename(args.gguf), dtype=torch.float32)
    else:
        config = LlamaConfig(vocab_size=49152, hidden_size=576, intermediate_size=1536, num_hidden_layers=30,
                             num_attention_heads=9, num_key_value_heads=3, rms_norm_eps=1e-5, rope_theta=100000.0,
                             tie_word_embeddings=True, max_position_embeddings=8192)
        model = LlamaForCausalLM(config)
    lora = LoraConfig(r=args.rank, lora_alpha=2 * args.rank, lora_dropout=0.05, task_type="CAUSAL_LM",
                      target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
    model = get_peft_model(model, lora)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-4)
    ids = torch.randint(0, 49152, (args.batch, args.seq))
    after_load = rss("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:  # reset VmHWM to the current RSS
        f.write("5")

    def step():
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        optimizer.zero_grad()
        return float(loss.detach())

    step()  # warm-up
    cpu0 = time.process_time()
    start = time.perf_counter()
    losses = [step() for _ in range(args.steps)]
    seconds = (time.perf_counter() - start) / args.steps
    cpu = (time.process_time() - cpu0) / args.steps
    tokens = args.batch * args.seq
    print("BENCH " + json.dumps({
        "bench": "pytorch-peft-smollm2", "threads": args.threads, "dtype": "float32", "rank": args.rank,
        "batch": args.batch, "seq": args.seq, "steps": args.steps, "seconds_per_step": seconds,
        "cpu_seconds_per_step": cpu, "tokens_per_second": tokens / seconds, "tokens_per_cpu_second": tokens / cpu,
        "rss_after_load": after_load, "peak_rss_training": rss("VmHWM"),
        "max_rss_process": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "torch": torch.__version__, "losses": losses,
    }, sort_keys=True))


if __name__ == "__main__":
    main()
