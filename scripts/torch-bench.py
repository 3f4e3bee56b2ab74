#!/usr/bin/env python3
"""PyTorch baseline for `rnnlab bench-suite`: times the same training step as src/bench/step.ts with PyTorch's fused
nn.LSTM / nn.GRU / nn.RNN on CPU, and prints ONE JSON line.

Model: Embedding(20000, E) -> rnn(batch_first, num_layers=L) -> h_n[-1] -> Linear(H, 1) -> BCEWithLogitsLoss;
step = zero_grad, forward, backward, Adam.step (PyTorch defaults, lr=1e-3). Random token ids 1..vocab-1, every
sequence of full length T, random 0/1 labels; the batches are made before timing, as on the rnnlab side.

Run it with OMP_NUM_THREADS and OMP_WAIT_POLICY=passive set in the environment (the suite does: spinning OpenMP
workers would steal the CPU from whatever runs next); --threads calls torch.set_num_threads.
"""
import argparse
import json
import resource
import statistics
import sys
import time


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('--arch', choices=['lstm', 'gru', 'rnn'], required=True)
    p.add_argument('--batch-size', type=int, required=True)
    p.add_argument('--max-len', type=int, required=True)
    p.add_argument('--embed', type=int, required=True)
    p.add_argument('--hidden', type=int, required=True)
    p.add_argument('--layers', type=int, default=1)
    p.add_argument('--steps', type=int, default=10)
    p.add_argument('--warmup', type=int, default=2)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--vocab', type=int, default=20000)
    p.add_argument('--seed', type=int, default=1)
    a = p.parse_args()

    import torch
    from torch import nn

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    cls = {'lstm': nn.LSTM, 'gru': nn.GRU, 'rnn': nn.RNN}[a.arch]

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = nn.Embedding(a.vocab, a.embed)
            self.rnn = cls(a.embed, a.hidden, num_layers=a.layers, batch_first=True)
            self.fc = nn.Linear(a.hidden, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            out = self.rnn(self.embedding(x))
            h_n = out[1][0] if a.arch == 'lstm' else out[1]
            return self.fc(h_n[-1]).squeeze(1)

    model = Model()
    opt = torch.optim.Adam(model.parameters())
    loss_fn = nn.BCEWithLogitsLoss()
    n_batches = min(3, a.warmup + a.steps)
    batches = [
        (torch.randint(1, a.vocab, (a.batch_size, a.max_len)), torch.randint(0, 2, (a.batch_size,)).float())
        for _ in range(n_batches)
    ]

    last_loss = float('nan')

    def step(i: int) -> None:
        nonlocal last_loss
        x, y = batches[i % n_batches]
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        last_loss = loss.item()

    for i in range(a.warmup):
        step(i)
    times = []
    for i in range(a.steps):
        t0 = time.perf_counter()
        step(a.warmup + i)
        times.append((time.perf_counter() - t0) * 1e3)

    print(json.dumps({
        'arch': a.arch, 'batchSize': a.batch_size, 'maxLen': a.max_len, 'embed': a.embed, 'hidden': a.hidden,
        'layers': a.layers, 'vocab': a.vocab, 'steps': a.steps, 'warmup': a.warmup, 'threads': torch.get_num_threads(),
        'msPerStep': statistics.median(times), 'msPerStepMin': min(times), 'msPerStepMean': statistics.mean(times),
        # ru_maxrss is KiB on Linux, bytes on macOS
        'peakRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == 'darwin' else 1024),
        'lastLoss': last_loss, 'torch': torch.__version__,
    }))


if __name__ == '__main__':
    main()
