"""Oracle: transformers' learning-rate schedules with warm-up.

stdin: JSON {"warmup": W, "total": T, "steps": N}; stdout: JSON
{"constant": [...], "linear": [...], "cosine": [...]}, the multiplier of the
base rate (LambdaLR's lr / base lr) after 0..N-1 scheduler steps.
"""
import json
import sys

import torch
from transformers import (get_constant_schedule_with_warmup, get_cosine_schedule_with_warmup,
                          get_linear_schedule_with_warmup)

cfg = json.load(sys.stdin)
out = {}
for name, make in [("constant", lambda o: get_constant_schedule_with_warmup(o, cfg["warmup"])),
                   ("linear", lambda o: get_linear_schedule_with_warmup(o, cfg["warmup"], cfg["total"])),
                   ("cosine", lambda o: get_cosine_schedule_with_warmup(o, cfg["warmup"], cfg["total"]))]:
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=1.0)
    sched = make(opt)
    values = []
    for _ in range(cfg["steps"]):
        values.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    out[name] = values
print(json.dumps(out))
