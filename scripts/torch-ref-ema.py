#!/usr/bin/python3
"""Reference fixture for rnnlab's weight average (--ema, src/optim/ema.ts), from PyTorch 1.13's
torch.optim.swa_utils.AveragedModel with an exponential-moving-average avg_fn (the recipe of PyTorch's docs):

    /usr/bin/python3 scripts/torch-ref-ema.py     # (re)writes fixtures/torch/ema.json

A small model (Linear) is trained for 12 Adam steps on random data; after every step AveragedModel.update_parameters
runs. The fixture holds the initial weights, the weights after each step and the average after each step, so the
test can feed the same weight sequence to WeightAverage and compare its average with PyTorch's.
"""
import json
import os

import torch
from torch.optim.swa_utils import AveragedModel

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
DECAY = 0.9

torch.manual_seed(0)
model = torch.nn.Linear(3, 2)
avg = AveragedModel(model, avg_fn=lambda a, w, n: DECAY * a + (1 - DECAY) * w)
opt = torch.optim.Adam(model.parameters(), lr=0.1)
x, y = torch.randn(8, 3), torch.randn(8, 2)
names = [n for n, _ in model.named_parameters()]
flat = lambda m: {n: p.detach().flatten().tolist() for n, p in m.named_parameters()}
steps = []
init = flat(model)
for _ in range(12):
    opt.zero_grad()
    torch.nn.functional.mse_loss(model(x), y).backward()
    opt.step()
    avg.update_parameters(model)
    steps.append({'weights': flat(model), 'average': {n: p.detach().flatten().tolist() for n, p in avg.module.named_parameters()}})
out = {'torch': torch.__version__, 'decay': DECAY, 'names': names, 'init': init, 'steps': steps}
with open(os.path.join(ROOT, 'fixtures', 'torch', 'ema.json'), 'w') as f:
    json.dump(out, f)
print('wrote fixtures/torch/ema.json')
