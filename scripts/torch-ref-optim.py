#!/usr/bin/python3
"""Reference fixtures for rnnlab's optimizers, gradient clipping, LR schedules and safetensors files, from PyTorch.

Run from the repository root with the system Python that has torch 1.13 (the `python3` on PATH may lack it):

    /usr/bin/python3 scripts/torch-ref-optim.py                 # (re)writes fixtures/torch/optim-*.json and
                                                                #   fixtures/torch/safetensors-tiny.{safetensors,json}
    /usr/bin/python3 scripts/torch-ref-optim.py --verify FILE   # reads a .safetensors file written by rnnlab with
                                                                #   torch (hand parser below), checks it against
                                                                #   safetensors-tiny.json, exit 1 on any mismatch

To check that torch reads what rnnlab writes:

    node --import tsx -e "import('./src/nn/safetensors.ts').then(async m => { \
      const f = (await import('node:fs')).readFileSync('fixtures/torch/safetensors-tiny.json', 'utf8'); \
      const j = JSON.parse(f); m.saveSafetensors('/tmp/rnnlab-tiny.safetensors', \
        j.tensors.map(t => ({ name: t.name, shape: t.shape, data: Float32Array.from(t.data) })), j.metadata); })"
    /usr/bin/python3 scripts/torch-ref-optim.py --verify /tmp/rnnlab-tiny.safetensors

(test/nn/safetensors.test.ts also asserts that our writer reproduces safetensors-tiny.safetensors byte for byte, so
the file torch wrote and read here is exactly the file rnnlab writes.)

Python has no `safetensors` package here, so the format is written and parsed by hand with struct + json +
torch.frombuffer, following https://github.com/huggingface/safetensors: 8-byte little-endian header length N, N bytes
of JSON header (padded with spaces so N is a multiple of 8), then the raw little-endian tensor bytes.
"""
import json
import math
import os
import struct
import sys

import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
OUT = os.path.join(ROOT, 'fixtures', 'torch')

torch.set_default_dtype(torch.float32)


def f32list(t):
    # float(x) of a float32 value is exact in a double, so JSON carries the float32 bits losslessly.
    return [float(x) for x in t.detach().reshape(-1).tolist()]


def write_json(name, obj):
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        json.dump(obj, f, indent=1)
        f.write('\n')
    print('wrote', os.path.relpath(path, ROOT))


# ---------------------------------------------------------------------------------------------------------------
# Optimizers: two parameters, 10 steps each with a scripted gradient that differs per step and per element.
# ---------------------------------------------------------------------------------------------------------------

SHAPES = [('w', [2, 3]), ('b', [4])]
STEPS = 10


def initial(k, shape):
    n = math.prod(shape)
    # Values of order 1 away from zero, so a relative tolerance is meaningful.
    return torch.tensor([(0.5 + 0.1 * i) * (1 if (i + k) % 2 == 0 else -1) for i in range(n)]).reshape(shape)


def scripted_grad(k, shape, step):
    n = math.prod(shape)
    # Mixed signs and magnitudes (0.01 .. ~2) so that momentum/second-moment terms matter.
    vals = [math.sin(1.3 * (i + 1) + 0.7 * step + k) * (1.0 + 0.5 * math.cos(0.9 * step + i)) for i in range(n)]
    return torch.tensor(vals).reshape(shape)


def make_opt(kind, params, opts):
    if kind == 'sgd':
        return torch.optim.SGD(params, lr=opts['lr'], momentum=opts.get('momentum', 0),
                               weight_decay=opts.get('weightDecay', 0), foreach=False)
    if kind == 'nag':
        return torch.optim.SGD(params, lr=opts['lr'], momentum=opts.get('momentum', 0.9),
                               weight_decay=opts.get('weightDecay', 0), nesterov=True, foreach=False)
    if kind == 'adam':
        return torch.optim.Adam(params, lr=opts.get('lr', 1e-3), betas=tuple(opts.get('betas', (0.9, 0.999))),
                                eps=opts.get('eps', 1e-8), weight_decay=opts.get('weightDecay', 0), foreach=False)
    if kind == 'adamw':
        return torch.optim.AdamW(params, lr=opts.get('lr', 1e-3), betas=tuple(opts.get('betas', (0.9, 0.999))),
                                 eps=opts.get('eps', 1e-8), weight_decay=opts.get('weightDecay', 1e-2),
                                 foreach=False)
    if kind == 'adadelta':
        return torch.optim.Adadelta(params, lr=opts.get('lr', 1.0), rho=opts.get('rho', 0.9),
                                    eps=opts.get('eps', 1e-6), weight_decay=opts.get('weightDecay', 0),
                                    foreach=False)
    if kind == 'rmsprop':
        return torch.optim.RMSprop(params, lr=opts.get('lr', 1e-2), alpha=opts.get('alpha', 0.99),
                                   eps=opts.get('eps', 1e-8), weight_decay=opts.get('weightDecay', 0),
                                   momentum=opts.get('momentum', 0), foreach=False)
    raise ValueError(kind)


# (fixture name, optimizer, options as rnnlab spells them, optional lr to set before each step)
VARIANTS = [
    ('sgd', 'sgd', {'lr': 0.1}, None),
    ('sgd-momentum-wd', 'sgd', {'lr': 0.05, 'momentum': 0.9, 'weightDecay': 0.01}, None),
    ('nag', 'nag', {'lr': 0.05}, None),
    ('nag-wd', 'nag', {'lr': 0.02, 'momentum': 0.8, 'weightDecay': 0.05}, None),
    ('adam', 'adam', {}, None),
    ('adam-wd', 'adam', {'lr': 0.01, 'weightDecay': 0.1}, None),
    # lr changed between steps (as a scheduler does): the bias corrections keep counting steps.
    ('adam-lr-change', 'adam', {'lr': 0.01, 'betas': [0.8, 0.99]}, [0.01] * 5 + [0.003] * 5),
    ('adamw', 'adamw', {'lr': 0.01}, None),
    ('adadelta', 'adadelta', {}, None),
    ('adadelta-wd', 'adadelta', {'lr': 0.5, 'rho': 0.95, 'weightDecay': 0.01}, None),
    ('rmsprop', 'rmsprop', {}, None),
    ('rmsprop-momentum', 'rmsprop', {'lr': 0.001, 'momentum': 0.9, 'weightDecay': 0.01}, None),
]


def optimizer_fixtures():
    for fname, kind, opts, lrs in VARIANTS:
        params = [initial(k, shape).clone().requires_grad_(True) for k, (_, shape) in enumerate(SHAPES)]
        opt = make_opt(kind, params, opts)
        record = {
            'optimizer': kind,
            'options': opts,
            'torch': torch.__version__,
            'params': [{'name': n, 'shape': s, 'data': f32list(p)} for (n, s), p in zip(SHAPES, params)],
            'steps': [],
        }
        for step in range(STEPS):
            grads = []
            for k, ((_, shape), p) in enumerate(zip(SHAPES, params)):
                g = scripted_grad(k, shape, step)
                p.grad = g.clone()
                grads.append(f32list(g))
            if lrs is not None:
                for group in opt.param_groups:
                    group['lr'] = lrs[step]
            opt.step()
            record['steps'].append({'lr': lrs[step] if lrs is not None else None, 'grads': grads,
                                    'after': [f32list(p) for p in params]})
        write_json(f'optim-{fname}.json', record)


# ---------------------------------------------------------------------------------------------------------------
# Gradient clipping by global norm (torch.nn.utils.clip_grad_norm_).
# ---------------------------------------------------------------------------------------------------------------

def clip_fixtures():
    cases = []
    for scale, max_norm in [(1.0, 1.0), (3.0, 0.5), (0.01, 1.0), (1.0, 5.0), (10.0, 2.5)]:
        grads = [scripted_grad(k, shape, 3) * scale for k, (_, shape) in enumerate(SHAPES)]
        params = [torch.zeros(shape, requires_grad=True) for (_, shape) in SHAPES]
        for p, g in zip(params, grads):
            p.grad = g.clone()
        before = [f32list(p.grad) for p in params]
        total = torch.nn.utils.clip_grad_norm_(params, max_norm)
        cases.append({'maxNorm': max_norm, 'grads': before, 'norm': float(total),
                      'after': [f32list(p.grad) for p in params]})
    write_json('optim-clip.json', {'torch': torch.__version__, 'shapes': [s for _, s in SHAPES], 'cases': cases})


# ---------------------------------------------------------------------------------------------------------------
# Learning-rate schedules: lr in force during each epoch, scheduler.step() called after each epoch.
# ---------------------------------------------------------------------------------------------------------------

def lrs_over_epochs(make_sched, epochs, base_lr, val_losses=None):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base_lr)
    sched = make_sched(opt)
    lrs = []
    for e in range(epochs):
        lrs.append(opt.param_groups[0]['lr'])
        opt.step()  # torch warns if the scheduler steps before the optimizer
        if val_losses is None:
            sched.step()
        else:
            sched.step(val_losses[e])
    return lrs


def schedule_fixtures():
    from torch.optim import lr_scheduler as S
    plateau_losses = [1.0, 0.9, 0.89995, 0.8999, 0.95, 0.92, 0.91, 0.5, 0.6, 0.7, 0.8, 0.9, 0.49, 0.49, 0.49, 0.49]
    cases = [
        {'kind': 'step', 'baseLr': 0.1, 'epochs': 12, 'options': {'stepSize': 3, 'gamma': 0.5},
         'lrs': lrs_over_epochs(lambda o: S.StepLR(o, step_size=3, gamma=0.5), 12, 0.1)},
        {'kind': 'step', 'baseLr': 1.0, 'epochs': 7, 'options': {'stepSize': 1, 'gamma': 0.9},
         'lrs': lrs_over_epochs(lambda o: S.StepLR(o, step_size=1, gamma=0.9), 7, 1.0)},
        {'kind': 'cosine', 'baseLr': 0.01, 'epochs': 10, 'options': {'totalEpochs': 10},
         'lrs': lrs_over_epochs(lambda o: S.CosineAnnealingLR(o, T_max=10), 10, 0.01)},
        {'kind': 'cosine', 'baseLr': 0.3, 'epochs': 5, 'options': {'totalEpochs': 5},
         'lrs': lrs_over_epochs(lambda o: S.CosineAnnealingLR(o, T_max=5), 5, 0.3)},
        {'kind': 'plateau', 'baseLr': 0.1, 'epochs': len(plateau_losses), 'options': {'patience': 2},
         'valLosses': plateau_losses,
         'lrs': lrs_over_epochs(lambda o: S.ReduceLROnPlateau(o, mode='min', patience=2), len(plateau_losses),
                                0.1, plateau_losses)},
        {'kind': 'plateau', 'baseLr': 0.1, 'epochs': len(plateau_losses),
         'options': {'patience': 1, 'factor': 0.5, 'cooldown': 1, 'minLr': 0.02}, 'valLosses': plateau_losses,
         'lrs': lrs_over_epochs(lambda o: S.ReduceLROnPlateau(o, mode='min', patience=1, factor=0.5, cooldown=1,
                                                              min_lr=0.02), len(plateau_losses), 0.1,
                                plateau_losses)},
    ]
    write_json('optim-schedules.json', {'torch': torch.__version__, 'cases': cases})


# ---------------------------------------------------------------------------------------------------------------
# safetensors, by hand.
# ---------------------------------------------------------------------------------------------------------------

def st_write(path, tensors, metadata):
    """tensors: list of (name, float32 tensor). Header key order: __metadata__, then tensors in the given order;
    compact JSON; data laid out in the same order. This is the layout rnnlab's writer produces."""
    header = {}
    if metadata:
        header['__metadata__'] = metadata
    offset = 0
    blobs = []
    for name, t in tensors:
        t = t.detach().contiguous().to(torch.float32)
        b = t.numpy().astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    hjson = json.dumps(header, separators=(',', ':')).encode('utf-8')
    hjson += b' ' * ((8 - len(hjson) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(hjson)))
        f.write(hjson)
        for b in blobs:
            f.write(b)


def st_read(path):
    """Returns (dict name -> float32 tensor, metadata). Strict: every tensor F32, offsets contiguous from 0."""
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    if (8 + n) % 8 != 0:
        raise ValueError(f'header length {n} leaves the data unaligned')
    header = json.loads(raw[8:8 + n].decode('utf-8'))
    data = bytearray(raw[8 + n:])
    metadata = header.pop('__metadata__', {})
    out = {}
    expect = 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]['data_offsets'][0]):
        if info['dtype'] != 'F32':
            raise ValueError(f'{name}: dtype {info["dtype"]}')
        begin, end = info['data_offsets']
        if begin != expect or end - begin != 4 * math.prod(info['shape']):
            raise ValueError(f'{name}: bad data_offsets {begin},{end}')
        expect = end
        t = torch.frombuffer(data, dtype=torch.float32, count=(end - begin) // 4, offset=begin)
        out[name] = t.reshape(info['shape']).clone()
    if expect != len(data):
        raise ValueError(f'data section is {len(data)} bytes, tensors cover {expect}')
    return out, metadata


TINY_META = {'format': 'pt', 'arch': 'lstm', 'note': 'written by scripts/torch-ref-optim.py'}


def tiny_tensors():
    g = torch.Generator().manual_seed(1234)
    return [
        ('embedding.weight', torch.randn(3, 4, generator=g)),
        ('fc.weight', torch.tensor([[1.5, -2.25, 1e-30, float(torch.finfo(torch.float32).max)]])),
        ('fc.bias', torch.tensor([-0.0])),
        ('rnn.bias_ih_l0', torch.arange(8, dtype=torch.float32) / 3),
    ]


def safetensors_fixture():
    tensors = tiny_tensors()
    path = os.path.join(OUT, 'safetensors-tiny.safetensors')
    st_write(path, tensors, TINY_META)
    print('wrote', os.path.relpath(path, ROOT))
    back, meta = st_read(path)
    assert meta == TINY_META
    for name, t in tensors:
        assert torch.equal(back[name], t) and back[name].shape == t.shape, name
    write_json('safetensors-tiny.json', {
        'metadata': TINY_META,
        'tensors': [{'name': n, 'shape': list(t.shape), 'data': f32list(t)} for n, t in tensors],
    })


def verify(path):
    with open(os.path.join(OUT, 'safetensors-tiny.json')) as f:
        expected = json.load(f)
    got, meta = st_read(path)
    ok = True
    if meta != expected['metadata']:
        print('metadata differs:', meta, '!=', expected['metadata'])
        ok = False
    if set(got) != {t['name'] for t in expected['tensors']}:
        print('tensor names differ:', sorted(got))
        ok = False
    for t in expected['tensors']:
        want = torch.tensor(t['data'], dtype=torch.float32).reshape(t['shape'])
        have = got.get(t['name'])
        # Bitwise equality (covers -0.0 and denormals): compare the int32 views.
        if have is None or have.shape != want.shape or not torch.equal(have.view(torch.int32), want.view(torch.int32)):
            print('tensor differs:', t['name'])
            ok = False
    print(('OK: torch reads ' if ok else 'MISMATCH in ') + path)
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == '--verify':
        verify(sys.argv[2])
    os.makedirs(OUT, exist_ok=True)
    optimizer_fixtures()
    clip_fixtures()
    schedule_fixtures()
    safetensors_fixture()
