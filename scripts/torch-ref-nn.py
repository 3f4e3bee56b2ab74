#!/usr/bin/env python3
"""
Writes the PyTorch reference fixtures fixtures/torch/nn-*.json used by test/nn/torch-ref.test.ts.

Run with the system Python that has torch (1.13):   /usr/bin/python3 scripts/torch-ref-nn.py

Each fixture is one forward + backward of the classifier structure rnnlab implements:
  nn.Embedding(V, E) -> nn.RNN/GRU/LSTM(E, H, num_layers=2, batch_first=True, bidirectional=?)
  over pack_padded_sequence(enforce_sorted=False) -> pooled feature (h_n of the last layer, both directions
  concatenated; or mean / max over the valid steps) -> nn.Linear -> BCEWithLogitsLoss (binary, one logit) or
  CrossEntropyLoss (multi-class).
Weights are PyTorch's default init (float32, written with 9 significant digits, which round-trips float32); the
forward/backward is then computed in float64 so the reference itself carries no float32 rounding error.
"""
import json
import os

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

OUT_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'torch'))

V, E, H, LAYERS = 12, 5, 4, 2
LENGTHS = [6, 3, 1, 5]  # unsorted, with padding, including a length-1 sequence
T = max(LENGTHS)


def f9(v):
    return float('%.9g' % v)


class Classifier(nn.Module):
    def __init__(self, arch, bidirectional, out_dim, pooling):
        super().__init__()
        self.embedding = nn.Embedding(V, E)
        cls = {'rnn': nn.RNN, 'gru': nn.GRU, 'lstm': nn.LSTM}[arch]
        self.rnn = cls(E, H, num_layers=LAYERS, batch_first=True, bidirectional=bidirectional)
        self.dirs = 2 if bidirectional else 1
        self.fc = nn.Linear(H * self.dirs, out_dim)
        self.pooling = pooling

    def forward(self, tokens, lengths):
        x = self.embedding(tokens)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, h = self.rnn(packed)
        if isinstance(h, tuple):
            h = h[0]
        if self.pooling == 'last':
            # h_n: [layers*dirs, B, H]; the last layer's directions are the last `dirs` entries
            feat = torch.cat([h[-self.dirs + d] for d in range(self.dirs)], dim=1)
        else:
            padded, _ = pad_packed_sequence(out, batch_first=True, total_length=tokens.shape[1])
            mask = (torch.arange(tokens.shape[1])[None, :] < lengths[:, None])[:, :, None]
            if self.pooling == 'mean':
                feat = (padded * mask).sum(1) / lengths[:, None].to(padded.dtype)
            else:
                feat = padded.masked_fill(~mask, float('-inf')).max(1).values
        return self.fc(feat)


def make_case(name, arch, bidirectional, num_classes, pooling, seed):
    torch.manual_seed(seed)
    out_dim = 1 if num_classes == 2 else num_classes
    model = Classifier(arch, bidirectional, out_dim, pooling)
    # Round the float32 init to the 9-digit text we store, then compute in float64.
    params = {}
    with torch.no_grad():
        for k, p in model.state_dict().items():
            vals = [f9(v) for v in p.flatten().tolist()]
            params[k] = vals
            p.copy_(torch.tensor(vals, dtype=torch.float32).reshape(p.shape))
    model = model.double()

    g = torch.Generator().manual_seed(seed + 1)
    B = len(LENGTHS)
    tokens = torch.zeros(B, T, dtype=torch.long)
    for b, n in enumerate(LENGTHS):
        tokens[b, :n] = torch.randint(1, V, (n,), generator=g)
    lengths = torch.tensor(LENGTHS)
    labels = torch.randint(0, num_classes, (B,), generator=g)

    logits = model(tokens, lengths)
    if num_classes == 2:
        loss = nn.BCEWithLogitsLoss()(logits[:, 0], labels.double())
    else:
        loss = nn.CrossEntropyLoss()(logits, labels)
    model.zero_grad()
    loss.backward()

    names = list(model.state_dict().keys())
    named = dict(model.named_parameters())
    case = {
        'name': name,
        'config': {
            'arch': arch, 'vocabSize': V, 'embed': E, 'hidden': H, 'numLayers': LAYERS,
            'bidirectional': bidirectional, 'dropout': 0, 'numClasses': num_classes, 'pooling': pooling,
        },
        'batch': {
            'size': B, 'maxLen': T, 'tokens': tokens.flatten().tolist(), 'lengths': LENGTHS,
            'labels': labels.tolist(),
        },
        'paramOrder': names,
        'params': params,
        'logits': [f9(v) for v in logits.flatten().tolist()],
        'loss': f9(loss.item()),
        'grads': {k: [f9(v) for v in named[k].grad.flatten().tolist()] for k in names},
    }
    path = os.path.join(OUT_DIR, f'nn-{name}.json')
    with open(path + '.tmp', 'w') as f:
        json.dump(case, f, separators=(',', ':'))
        f.write('\n')
    os.replace(path + '.tmp', path)
    print(f'wrote {path} ({os.path.getsize(path)} bytes)')


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    seed = 1000
    for arch in ('rnn', 'gru', 'lstm'):
        for bi in (False, True):
            make_case(f'{arch}-{"bi" if bi else "uni"}', arch, bi, 2, 'last', seed)
            seed += 10
    make_case('gru-multi', 'gru', True, 3, 'last', seed)
    make_case('lstm-mean', 'lstm', True, 2, 'mean', seed + 10)
    make_case('rnn-max', 'rnn', True, 2, 'max', seed + 20)


if __name__ == '__main__':
    main()
