#!/usr/bin/python3
"""Reference values for src/experiment/stats/compare.ts, from SciPy (Debian's python3-scipy).

    /usr/bin/python3 scripts/stats-ref.py      # (re)writes fixtures/stats/welch-holm.json

Each case: a leader's and several cells' accuracies over seeds; for each cell the one-sided Welch t-test p-value
(scipy.stats.ttest_ind(leader, cell, equal_var=False, alternative='greater')) and Holm's step-down adjustment over
the cells of the case (written out here, as statsmodels' multipletests(method='holm') computes it).
"""
import json
import os
import numpy as np
import scipy
from scipy import stats


def holm(ps):
    order = sorted(range(len(ps)), key=lambda i: (ps[i], i))
    m = len(ps)
    out = [None] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * ps[i]))
        out[i] = running
    return out


rng = np.random.default_rng(13)
cases = []
specs = [
    ("five seeds, one clear loser", 5, [0.880, 0.875, 0.860, 0.700], [0.004, 0.006, 0.005, 0.03]),
    ("three seeds, close cells", 3, [0.870, 0.868, 0.850], [0.010, 0.012, 0.008]),
    ("ten seeds, unequal spreads", 10, [0.90, 0.89, 0.88, 0.85, 0.90], [0.002, 0.02, 0.005, 0.05, 0.01]),
    ("two seeds", 2, [0.80, 0.70, 0.79], [0.01, 0.01, 0.02]),
]
for name, n, means, sds in specs:
    leader = [float(round(x, 6)) for x in rng.normal(means[0], sds[0], n)]
    cells = [[float(round(x, 6)) for x in rng.normal(m, s, n)] for m, s in zip(means[1:], sds[1:])]
    ps = [float(stats.ttest_ind(leader, c, equal_var=False, alternative="greater").pvalue) for c in cells]
    cases.append({"name": name, "leader": leader, "cells": cells, "pValues": ps, "holm": holm(ps)})

out = {
    "generator": "scripts/stats-ref.py",
    "scipy": scipy.__version__,
    "test": "scipy.stats.ttest_ind(leader, cell, equal_var=False, alternative='greater'); Holm step-down",
    "cases": cases,
}
path = os.path.join("fixtures", "stats", "welch-holm.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote", path)
