"""Oracle: torch.optim.AdamW steps and clip_grad_norm_ on given tensors.

stdin: JSON {"p": [...], "grads": [[...], ...], "lr", "betas", "eps",
"weight_decay", "max_norm"}; stdout: JSON {"p": [...], "m": [...], "v": [...],
"norms": [...]} after one step per gradient (each clipped to max_norm first).
"""
import json
import sys

import torch

cfg = json.load(sys.stdin)
p = torch.nn.Parameter(torch.tensor(cfg["p"], dtype=torch.float32))
opt = torch.optim.AdamW([p], lr=cfg["lr"], betas=tuple(cfg["betas"]), eps=cfg["eps"],
                        weight_decay=cfg["weight_decay"], foreach=False)
norms = []
for g in cfg["grads"]:
    p.grad = torch.tensor(g, dtype=torch.float32)
    norms.append(float(torch.nn.utils.clip_grad_norm_([p], cfg["max_norm"])))
    opt.step()
state = opt.state[p]
print(json.dumps({"p": p.detach().tolist(), "m": state["exp_avg"].tolist(),
                  "v": state["exp_avg_sq"].tolist(), "norms": norms}))
