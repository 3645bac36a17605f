"""Oracle: QLoRA-style LoRA training of SmolLM2-135M with transformers + PEFT.

Regenerates Tests/oracles/peft_smollm2_reference.json, which the Swift test
TrainingPEFTTests reads (the peer is too heavy to run in every CI job):

    python3 Tests/oracles/peft_smollm2.py models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf \
        ../shared/reference/smollm2/forward_reference.json > Tests/oracles/peft_smollm2_reference.json

(numbers are written with 9 significant digits).

The base model is the GGUF dequantized to float32 by transformers. LoRA
(r=8, alpha=16, no dropout, all seven projections) starts from a closed-form
initialisation both sides compute identically (see `init_value`), with B
non-zero so every gradient is exercised. Two fixed batches (two right-padded
rows of 48 tokens from the reference prompts, prompt tokens masked out) are
alternated for 20 AdamW steps with gradient clipping at 1.0.

With --adapter DIR the initial adapter is read from a PEFT folder instead
(as Lontar wrote it), and with --save DIR the trained adapter is saved.
"""
import argparse
import json
import math
import os
import sys

import torch
from peft import LoraConfig, PeftModel, get_peft_model
from transformers import AutoModelForCausalLM

TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
RANK, ALPHA, STEPS, LR, SEQ = 8, 16, 20, 2e-4, 48


def init_value(kind, layer, target_index, j, fan_in):
    """The closed-form LoRA initialisation shared with the Swift test."""
    if kind == "A":
        return math.sin(0.37 * j + 1.3 * layer + 0.71 * target_index) / math.sqrt(fan_in)
    return 0.02 * math.cos(0.53 * j + 0.9 * layer + 0.29 * target_index)


def probe_value(j):
    """A fixed vector to project gradients on (a whole-tensor checksum)."""
    return math.cos(0.77 * j + 0.1)


def rounded(x):
    """Floats to 9 significant digits (float32 needs 9 to round-trip)."""
    if isinstance(x, float):
        return float("%.9g" % x)
    if isinstance(x, list):
        return [rounded(v) for v in x]
    if isinstance(x, dict):
        return {k: rounded(v) for k, v in x.items()}
    return x


def make_batches(reference):
    prompts = {p["name"]: p["token_ids"] for p in reference["prompts"]}
    para, chat, plain = prompts["paragraph"], prompts["chat"], prompts["plain"]
    # (ids, number of prompt tokens whose prediction is not trained on)
    rows = [[(chat, 20), (para[0:48], 16)], [(plain, 4), (para[100:148], 24)]]
    batches = []
    for pair in rows:
        ids, labels, mask = [], [], []
        for seq, prompt in pair:
            pad = SEQ - len(seq)
            ids.append(seq + [0] * pad)
            labels.append([-100] * prompt + seq[prompt:] + [-100] * pad)
            mask.append([1] * len(seq) + [0] * pad)
        batches.append({"input_ids": ids, "labels": labels, "attention_mask": mask})
    return batches


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gguf")
    ap.add_argument("reference")
    ap.add_argument("--adapter")
    ap.add_argument("--save")
    ap.add_argument("--steps", type=int, default=STEPS)
    args = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(2)
    base = AutoModelForCausalLM.from_pretrained(os.path.dirname(os.path.abspath(args.gguf)),
                                                gguf_file=os.path.basename(args.gguf), dtype=torch.float32)
    if args.adapter:
        model = PeftModel.from_pretrained(base, args.adapter, is_trainable=True)
    else:
        config = LoraConfig(r=RANK, lora_alpha=ALPHA, lora_dropout=0.0, target_modules=TARGETS,
                            task_type="CAUSAL_LM")
        model = get_peft_model(base, config)
        with torch.no_grad():
            for name, p in model.named_parameters():
                if "lora_" not in name:
                    continue
                layer = int(name.split(".layers.")[1].split(".")[0])
                target = next(t for t in TARGETS if f".{t}." in name)
                kind = "A" if ".lora_A." in name else "B"
                fan_in = p.shape[1]
                values = [init_value(kind, layer, TARGETS.index(target), j, fan_in) for j in range(p.numel())]
                p.copy_(torch.tensor(values, dtype=torch.float64).reshape(p.shape).float())
    model.train()
    params = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    with open(args.reference) as f:
        batches = make_batches(json.load(f))
    tensors = {k: torch.tensor(v) for k, v in batches[0].items()}

    # Step 0: loss and gradients.
    out = model(**tensors)
    out.loss.backward()
    grads = {}
    for n, p in params:
        g = p.grad.detach().flatten().double()
        probe = torch.tensor([probe_value(j) for j in range(g.numel())], dtype=torch.float64)
        key = n.replace(".default", "")
        grads[key] = {"norm": float(g.norm()), "probe": float(g @ probe), "first": g[:8].tolist()}
    step0 = float(out.loss.detach())

    optimizer = torch.optim.AdamW([p for _, p in params], lr=LR, betas=(0.9, 0.999), eps=1e-8,
                                  weight_decay=0.0, foreach=False)
    model.zero_grad()
    losses = []
    for step in range(args.steps):
        batch = {k: torch.tensor(v) for k, v in batches[step % 2].items()}
        loss = model(**batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for _, p in params], 1.0)
        optimizer.step()
        optimizer.zero_grad()
        losses.append(float(loss))
    # The loss of the trained adapter on the first batch (no update).
    with torch.no_grad():
        final = float(model(**{k: torch.tensor(v) for k, v in batches[0].items()}).loss)
    if args.save:
        model.save_pretrained(args.save)
    import peft
    import transformers
    json.dump(rounded({
        "description": __doc__.strip().splitlines()[0],
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__, "peft": peft.__version__},
        "rank": RANK, "alpha": ALPHA, "lr": LR, "steps": args.steps,
        "batches": batches, "step0_loss": step0, "step0_grads": grads, "losses": losses,
        "final_loss": final,
    }), sys.stdout, separators=(",", ":"), sort_keys=True)


if __name__ == "__main__":
    main()
