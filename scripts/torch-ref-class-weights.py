#!/usr/bin/env python3
"""
Writes fixtures/torch/loss-class-weights.json for test/nn/loss.test.ts: PyTorch 1.13's class-weighted losses, the
semantics `--class-weights balanced` follows (src/nn/loss.ts):
  binary       BCEWithLogitsLoss(pos_weight=p), mean over the batch  == per-example weight [1, p][y]
  multi-class  CrossEntropyLoss(weight=w), the weighted mean Σ w[y]·ce / Σ w[y]
Loss and d loss / d logits in float64 from float32-representable inputs.

Run with the system Python that has torch:   /usr/bin/python3 scripts/torch-ref-class-weights.py
"""
import json
import os

import torch
import torch.nn as nn

OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'torch',
                                    'loss-class-weights.json'))


def f9(v):
    return float('%.9g' % v)


torch.manual_seed(3)
cases = []

# binary: one logit per example, labels 0/1, pos_weight = negatives / positives of a skewed training set
logits = torch.tensor([f9(v) for v in (torch.randn(7) * 2).tolist()], dtype=torch.float64, requires_grad=True)
labels = [0, 1, 0, 0, 1, 0, 0]
pos_weight = 3.5
loss = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([pos_weight], dtype=torch.float64))(
    logits, torch.tensor(labels, dtype=torch.float64))
loss.backward()
cases.append({'name': 'binary-pos-weight', 'numClasses': 2, 'weights': [1.0, pos_weight], 'logits': logits.tolist(),
              'labels': labels, 'loss': loss.item(), 'grad': logits.grad.tolist()})

# three classes, CrossEntropyLoss(weight=w)
C = 3
logits = torch.tensor([[f9(v) for v in row] for row in (torch.randn(6, C) * 2).tolist()], dtype=torch.float64,
                      requires_grad=True)
labels = [0, 2, 1, 0, 0, 2]
weights = [0.5, 2.0, 1.25]
loss = nn.CrossEntropyLoss(weight=torch.tensor(weights, dtype=torch.float64))(logits, torch.tensor(labels))
loss.backward()
cases.append({'name': 'multiclass-weight', 'numClasses': C, 'weights': weights,
              'logits': [v for row in logits.tolist() for v in row], 'labels': labels, 'loss': loss.item(),
              'grad': [v for row in logits.grad.tolist() for v in row]})

with open(OUT, 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases}, f, indent=1)
    f.write('\n')
print('wrote', OUT)
