#!/usr/bin/env python3
"""PyTorch baseline for `rnnlab bench-suite`: times the same training step as src/bench/step.ts with PyTorch's fused
nn.LSTM / nn.GRU / nn.RNN on CPU, and prints ONE JSON line.

Model: Embedding(20000, E) -> rnn(batch_first, num_layers=L) -> h_n[-1] -> Linear(H, 1) -> BCEWithLogitsLoss;
step = zero_grad, forward, backward, Adam.step (PyTorch defaults, lr=1e-3). Random token ids 1..vocab-1, every
sequence of full length T, random 0/1 labels; the batches are made before timing, as on the rnnlab side.

With --lengths-file (the suite's packed workload, src/bench/packed.ts): one batch per entry of the file's "batches"
(lengths of its sequences, used in order, warm-up first), random ids in the first `length` positions, and the
recurrent layer runs on nn.utils.rnn.pack_padded_sequence(..., enforce_sorted=False), so padding costs nothing and
h_n is each sequence's last real step -- PyTorch's recipe for variable-length text. tokensPerSec counts real tokens.

Run it with OMP_NUM_THREADS and OMP_WAIT_POLICY=passive set in the environment (the suite does: spinning OpenMP
workers would steal the CPU from whatever runs next); --threads calls torch.set_num_threads. --flush-denormal on calls
torch.set_flush_denormal(True) (FTZ+DAZ on x86: without it every multiply-add touching a subnormal gradient takes a
microcode assist on Intel cores). Debian's PyTorch calls OpenBLAS, whose own thread pool (OPENBLAS_NUM_THREADS, read
at load) can fight torch's threads; the suite tries it unset and =1. The settings in effect are echoed in the JSON.
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time


def mapped_blas() -> str:
    """The BLAS library this process actually mapped (Debian's torch links libblas.so.3, an alternatives link)."""
    try:
        with open('/proc/self/maps') as f:
            for line in f:
                path = line.split()[-1]
                if 'blas' in os.path.basename(path):
                    return os.path.realpath(path)
    except OSError:
        pass
    return 'unknown'


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
    p.add_argument('--flush-denormal', choices=['on', 'off'], default='on')
    p.add_argument('--lengths-file', help='packed variable-length batches: JSON {"batches": [[lengths...], ...]}')
    a = p.parse_args()

    import torch
    from torch import nn
    from torch.nn.utils.rnn import pack_padded_sequence

    torch.set_num_threads(a.threads)
    # returns False where the CPU cannot flush (then the row says so)
    flush = torch.set_flush_denormal(a.flush_denormal == 'on') and a.flush_denormal == 'on'
    torch.manual_seed(a.seed)
    packed_lengths = None
    if a.lengths_file:
        with open(a.lengths_file) as f:
            packed_lengths = json.load(f)['batches']

    cls = {'lstm': nn.LSTM, 'gru': nn.GRU, 'rnn': nn.RNN}[a.arch]

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = nn.Embedding(a.vocab, a.embed)
            self.rnn = cls(a.embed, a.hidden, num_layers=a.layers, batch_first=True)
            self.fc = nn.Linear(a.hidden, 1)

        def forward(self, x: torch.Tensor, lengths=None) -> torch.Tensor:
            e = self.embedding(x)
            if lengths is not None:
                e = pack_padded_sequence(e, lengths, batch_first=True, enforce_sorted=False)
            out = self.rnn(e)
            h_n = out[1][0] if a.arch == 'lstm' else out[1]
            return self.fc(h_n[-1]).squeeze(1)

    model = Model()
    opt = torch.optim.Adam(model.parameters())
    loss_fn = nn.BCEWithLogitsLoss()
    if packed_lengths is None:
        n_batches = min(3, a.warmup + a.steps)
        batches = [
            (torch.randint(1, a.vocab, (a.batch_size, a.max_len)), torch.randint(0, 2, (a.batch_size,)).float(), None)
            for _ in range(n_batches)
        ]
    else:
        batches = []
        for ls in packed_lengths:
            T = max(ls)
            x = torch.zeros((len(ls), T), dtype=torch.long)
            for b, n in enumerate(ls):
                x[b, :n] = torch.randint(1, a.vocab, (n,))
            batches.append((x, torch.randint(0, 2, (len(ls),)).float(), torch.tensor(ls, dtype=torch.long)))
        n_batches = len(batches)

    last_loss = float('nan')
    timed_tokens = 0

    def step(i: int) -> None:
        nonlocal last_loss
        x, y, lengths = batches[i % n_batches]
        opt.zero_grad()
        loss = loss_fn(model(x, lengths), y)
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
        x, _, lengths = batches[(a.warmup + i) % n_batches]
        timed_tokens += int(lengths.sum()) if lengths is not None else x.numel()

    print(json.dumps({
        'arch': a.arch, 'batchSize': a.batch_size, 'maxLen': a.max_len, 'embed': a.embed, 'hidden': a.hidden,
        'layers': a.layers, 'vocab': a.vocab, 'steps': a.steps, 'warmup': a.warmup, 'threads': torch.get_num_threads(),
        'msPerStep': statistics.median(times), 'msPerStepMin': min(times), 'msPerStepMean': statistics.mean(times),
        # ru_maxrss is KiB on Linux, bytes on macOS
        'peakRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == 'darwin' else 1024),
        'lastLoss': last_loss, 'torch': torch.__version__,
        'tokensPerSec': timed_tokens / (sum(times) / 1e3),
        'settings': {
            'flushDenormal': a.flush_denormal == 'on' and bool(flush),
            'torchThreads': torch.get_num_threads(),
            'OPENBLAS_NUM_THREADS': os.environ.get('OPENBLAS_NUM_THREADS', 'unset'),
            'OMP_NUM_THREADS': os.environ.get('OMP_NUM_THREADS', 'unset'),
            'OMP_WAIT_POLICY': os.environ.get('OMP_WAIT_POLICY', 'unset'),
            'blas': mapped_blas(),
        },
    }))


if __name__ == '__main__':
    main()
