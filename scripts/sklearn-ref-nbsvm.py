#!/usr/bin/python3
"""Writes fixtures/baseline/nbsvm-binary.json and nbsvm-3class.json: small synthetic text sets and what an
independent NBSVM built from scikit-learn makes of them. test/baseline/nbsvm.test.ts checks src/baseline against them.

Run (Debian's python3-sklearn and python3-torchtext live at /usr/bin/python3 only):
    /usr/bin/python3 scripts/sklearn-ref-nbsvm.py

Independent of rnnlab's code path: tokens come from torchtext's own basic_english code (copied below), features from CountVectorizer(ngram_range=(1, 2), binary=True), the log-count ratio from
numpy, the classifiers from LIBLINEAR inside scikit-learn: LinearSVC (squared hinge, dual coordinate descent) and
LogisticRegression(solver='liblinear') (primal trust-region Newton — a different algorithm from rnnlab's dual
solver, same objective). Both regularize the intercept (intercept_scaling=1), as rnnlab does. Tolerances are tight
so that the recorded numbers are the optimum, not one solver's stopping point (LinearSVC's tol is on the dual's
projected-gradient spread, as in rnnlab); scores are written to 10 significant digits, ratios to 12.
"""
import json
import os
import re

import numpy as np
import sklearn
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.exceptions import ConvergenceWarning
from sklearn.svm import LinearSVC
import warnings

warnings.simplefilter('error', ConvergenceWarning)  # a fixture from an unconverged solver is no reference

# torchtext 0.14's basic_english (torchtext/data/utils.py, _basic_english_normalize), copied verbatim: torchtext is
# not installable beside Debian's PyTorch everywhere, and this is all of its code that the tokenizer runs.
_PATTERNS = [r"\'", r"\"", r"\.", r"<br \/>", r",", r"\(", r"\)", r"\!", r"\?", r"\;", r"\:", r"\s+"]
_REPLACEMENTS = [" \'  ", "", " . ", " ", " , ", " ( ", " ) ", " ! ", " ? ", " ", " ", " "]
_PATTERNS_DICT = list((re.compile(p), r) for p, r in zip(_PATTERNS, _REPLACEMENTS))


def tokenize(line):
    line = line.lower()
    for pattern_re, replaced_str in _PATTERNS_DICT:
        line = pattern_re.sub(replaced_str, line)
    return line.split()

# the grid rnnlab searches (src/baseline/nbsvm.ts DEFAULT_GRID), paper's setting first
FITS = [('squared-hinge', 1.0), ('squared-hinge', 0.1), ('logistic', 1.0), ('logistic', 10.0)]
BETAS = [0.25, 0.5, 1.0]
GRID = [('squared-hinge', 1.0, 0.25)] + [(l, c, b) for l, c in FITS for b in BETAS if (l, c, b) != ('squared-hinge', 1.0, 0.25)]

NEUTRAL = ['the', 'movie', 'film', 'plot', 'actor', 'scene', 'story', 'it', 'was', 'is', 'a', 'and', 'of', 'to',
           'this', 'that', 'with', 'music', 'ending', 'cast', 'director', 'script', 'time', 'really', 'very']
PUNCT = ['.', ',', '!', '?', '(', ')', ';', ':', '<br />', '"', "'s"]


def g10(v):
    return float(f'{v:.10g}')


def g12(v):
    return float(f'{v:.12g}')


def make_set(rng, labels, cues, n):
    """n texts per split: mostly neutral words, a few class cues (some only as a bigram), noise, markup."""
    out = []
    for _ in range(n):
        y = int(rng.integers(len(labels)))
        words = [str(rng.choice(NEUTRAL)) for _ in range(int(rng.integers(5, 12)))]
        # a cue of the true class with prob 0.7, of a random class otherwise (label noise in the features)
        for _ in range(int(rng.integers(1, 3))):
            c = y if rng.random() < 0.7 else int(rng.integers(len(labels)))
            cue = str(rng.choice(cues[c]))
            words.insert(int(rng.integers(len(words) + 1)), cue)
        for _ in range(int(rng.integers(0, 3))):
            words.insert(int(rng.integers(len(words) + 1)), str(rng.choice(PUNCT)))
        text = ' '.join(words)
        if rng.random() < 0.3:
            text = text.capitalize()
        out.append({'text': text, 'label': y})
    return out


def nbsvm_reference(name, labels, cues, sizes, seed):
    rng = np.random.default_rng(seed)
    data = {split: make_set(rng, labels, cues, n) for split, n in sizes.items()}
    vec = CountVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None, ngram_range=(1, 2), binary=True)
    xs = {'train': vec.fit_transform([e['text'] for e in data['train']]).astype(np.float64).tocsr()}
    for split in ('val', 'test'):
        xs[split] = vec.transform([e['text'] for e in data[split]]).astype(np.float64).tocsr()
    ys = {split: np.array([e['label'] for e in data[split]]) for split in data}
    names = vec.get_feature_names_out().tolist()
    k = len(labels)
    tasks = [1] if k == 2 else list(range(k))

    ratios = []
    for c in tasks:
        pos = ys['train'] == c
        p = 1 + np.asarray(xs['train'][pos].sum(axis=0)).ravel()
        q = 1 + np.asarray(xs['train'][~pos].sum(axis=0)).ravel()
        ratios.append(np.log(p / p.sum()) - np.log(q / q.sum()))

    def fit(loss, C):
        models = []
        for c, r in zip(tasks, ratios):
            y = np.where(ys['train'] == c, 1, -1)
            x = xs['train'].multiply(r).tocsr()
            if loss == 'squared-hinge':
                clf = LinearSVC(C=C, loss='squared_hinge', dual=True, tol=1e-9, max_iter=1_000_000, intercept_scaling=1)
            else:
                clf = LogisticRegression(C=C, solver='liblinear', tol=1e-12, max_iter=1_000_000, intercept_scaling=1)
            clf.fit(x, y)
            models.append((clf.coef_.ravel(), float(clf.intercept_[0])))
        return models

    def scores(models, beta, split):
        out = []
        for (w, b), r in zip(models, ratios):
            w2 = (1 - beta) * np.abs(w).mean() + beta * w
            out.append(xs[split].multiply(r).tocsr() @ w2 + b)
        return np.array(out)

    def predict(s):
        return (s[0] > 0).astype(int) if k == 2 else np.argmax(s, axis=0)

    fitted = {(l, C): fit(l, C) for l, C in FITS}
    grid = []
    for loss, C, beta in GRID:
        sv = scores(fitted[(loss, C)], beta, 'val')
        st = scores(fitted[(loss, C)], beta, 'test')
        pt = predict(st)
        grid.append({
            'loss': loss, 'C': C, 'beta': beta,
            'valAccuracy': float((predict(sv) == ys['val']).mean()),
            'testScores': [[g10(v) for v in row] for row in st],
            'testPredictions': [int(v) for v in pt],
            'testAccuracy': float((pt == ys['test']).mean()),
        })
    best = max(range(len(grid)), key=lambda g: (grid[g]['valAccuracy'], -g))
    fixture = {
        'generator': f'scripts/sklearn-ref-nbsvm.py (scikit-learn {sklearn.__version__}, numpy {np.__version__}, seed {seed})',
        'labels': labels,
        'data': data,
        'features': names,
        'ratios': [[g12(v) for v in r] for r in ratios],
        'grid': grid,
        'selected': best,
    }
    path = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'baseline', f'nbsvm-{name}.json')
    with open(path + '.tmp', 'w') as f:
        json.dump(fixture, f, separators=(',', ':'))
        f.write('\n')
    os.replace(path + '.tmp', path)
    print(f'{path}: {len(names)} features, selected {grid[best]["loss"]} C={grid[best]["C"]} beta={grid[best]["beta"]}, '
          f'val {grid[best]["valAccuracy"]:.3f} test {grid[best]["testAccuracy"]:.3f}')


nbsvm_reference('binary', ['neg', 'pos'],
                [['awful', 'boring', 'not good', 'waste'], ['great', 'superb', 'not bad', 'loved']],
                {'train': 160, 'val': 60, 'test': 80}, seed=14)
nbsvm_reference('3class', ['a', 'b', 'c'],
                [['alpha', 'apple', 'no beta'], ['beta', 'banana', 'no gamma'], ['gamma', 'grape', 'no alpha']],
                {'train': 180, 'val': 60, 'test': 90}, seed=15)
