/**
 * The fair comparison in the report: summary.md and report.html state the search (space, budget, chosen and default
 * rate, failed rates), the ranking with its statistics and verdicts, the time spent, and say plainly when one seed
 * cannot separate anything; writeReport draws the search and seeds charts; older results without "cells" are
 * unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseResults, type Results } from '../../src/report/results.ts';
import { summaryMarkdown } from '../../src/report/summary.ts';
import { reportHtml } from '../../src/report/html.ts';
import { gridCharts } from '../../src/report/charts.ts';
import { writeReport } from '../../src/report/index.ts';
import { sampleResults } from './fixture.ts';

function withStudy(seeds: number): Results {
  const r = sampleResults();
  const entry = (lr: number, valAccuracy: number | null, status: string, rung = 0) =>
    ({ lr, valAccuracy, valLoss: valAccuracy === null ? null : 1 - valAccuracy, epochs: rung ? 2 : 1, status, rung, budget: rung ? 2 : 1 });
  const runs = (accs: number[]) => accs.map((a, i) => ({ seed: 42 + i, dir: `x-seed${42 + i}`, status: 'ok',
    val: { accuracy: a + 0.01 }, test: { accuracy: a } }));
  const dist = (xs: number[]) => {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1)) : null;
    return { mean, std, min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
  };
  const gru = [0.88, 0.87, 0.885].slice(0, seeds);
  const rnn = [0.70, 0.72, 0.71].slice(0, seeds);
  return parseResults({
    ...r,
    cells: [
      { arch: 'rnn', optimizer: 'sgd', cell: 'rnn-sgd', lr: 0.1, defaultLr: 2, searchSeconds: 30, finalSeconds: 60,
        lrSearch: [entry(0.01, 0.5, 'at-chance'), entry(0.1, 0.7, 'ok'), entry(1, 0.6, 'ok'), entry(2, null, 'diverged'),
          entry(0.1, 0.72, 'ok', 1), entry(1, 0.6, 'ok', 1)],
        runs: runs(rnn), val: dist(rnn.map((x) => x + 0.01)), test: dist(rnn) },
      { arch: 'gru', optimizer: 'adam', cell: 'gru-adam', lr: 0.00316, defaultLr: 0.001, searchSeconds: 40, finalSeconds: 90,
        lrSearch: [entry(0.001, 0.85, 'ok'), entry(0.00316, 0.86, 'ok'), entry(0.01, 0.8, 'ok')],
        runs: runs(gru), val: dist(gru.map((x) => x + 0.01)), test: dist(gru) },
    ],
    ranking: [
      { arch: 'gru', optimizer: 'adam', lr: 0.00316, valMean: dist(gru).mean + 0.01, testMean: dist(gru).mean,
        testStd: dist(gru).std, testMin: dist(gru).min, testMax: dist(gru).max, n: seeds, leader: true, pValue: null,
        pAdjusted: null, tiedWithBest: true },
      { arch: 'rnn', optimizer: 'sgd', lr: 0.1, valMean: dist(rnn).mean + 0.01, testMean: dist(rnn).mean,
        testStd: dist(rnn).std, testMin: dist(rnn).min, testMax: dist(rnn).max, n: seeds, leader: false,
        pValue: seeds > 1 ? 0.0004 : null, pAdjusted: seeds > 1 ? 0.0004 : null, tiedWithBest: seeds < 2 },
    ],
    study: { lrSearch: 'halving', seeds, test: 'one-sided Welch t-test', alpha: 0.05, searchSeconds: 70, finalSeconds: 150,
      eta: 3, maxExtend: 2, budgets: [1, 2], trials: 7 },
  });
}

test('summary.md: search space and budget, chosen and default rate, failed rates, ranking with verdicts, time', () => {
  const md = summaryMarkdown(withStudy(3));
  const section = md.slice(md.indexOf('## Fair comparison'), md.indexOf('## Baseline'));
  assert.ok(section.length > 0, 'no fair-comparison section');
  assert.match(section, /successive halving \(reduction factor 3\)/);
  assert.match(section, /trains 1 epoch\(s\), the best third goes on to 2 epochs/);
  assert.match(section, /1 min 10 s in the search, 2 min 30 s in the final runs/);
  assert.match(section, /\| 1 \| GRU \| Adam \| 0\.00316 \| .* \| 3 \| — \| leader \|/);
  assert.match(section, /\| 2 \| RNN \| SGD \| 0\.1 \| .* \| 3 \| 4\.0e-4 \| below the leader \|/);
  assert.match(section, /\| RNN \| SGD \| 0\.1 \| 2 \| — \| 0\.01, 0\.1, 1, 2 \| 0\.01 \(at-chance\), 2 \(diverged\) \|/);
  assert.doesNotMatch(section, /not evidence/);
});

test('one seed: the report says differences below the seed spread are not evidence', () => {
  const md = summaryMarkdown(withStudy(1));
  assert.match(md, /One run per cell: .* not evidence/);
  assert.match(md, /not testable \(n = 1\)/);
});

test('report.html has the study tables and the search and seeds charts; writeReport draws them', async () => {
  const results = withStudy(3);
  const html = reportHtml(results, new Map(), gridCharts(results));
  assert.match(html, /<h2 id="study-h">Fair comparison<\/h2>/);
  assert.match(html, /<table id="study-ranking">/);
  assert.match(html, /id="chart-search" data-spec="spec-search"/);
  assert.match(html, /<script type="application\/json" id="spec-seeds">/);

  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-study-report-'));
  await writeReport(dir, results);
  for (const f of ['search.svg', 'search.png', 'seeds.svg', 'seeds.png', 'seed-curves.png']) assert.ok(existsSync(join(dir, f)), `missing ${f}`);
});

test('results without a study: no section, no extra charts', async () => {
  const results = sampleResults();
  assert.doesNotMatch(summaryMarkdown(results), /Fair comparison/);
  assert.doesNotMatch(reportHtml(results, new Map(), gridCharts(results)), /Fair comparison/);
  const dir = mkdtempSync(join(tmpdir(), 'rnnlab-study-report-'));
  await writeReport(dir, results);
  assert.equal(existsSync(join(dir, 'search.png')), false);
});
