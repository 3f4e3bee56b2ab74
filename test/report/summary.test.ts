import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summaryMarkdown } from '../../src/report/summary.ts';
import { bestPerArch, selectBest } from '../../src/report/select.ts';
import type { Run } from '../../src/report/results.ts';
import { sampleResults } from './fixture.ts';

/** The markdown lines of one "## Section" (up to the next heading). */
function section(md: string, heading: string): string[] {
  const lines = md.split('\n');
  const start = lines.indexOf(`## ${heading}`);
  assert.ok(start >= 0, `no section ${heading}`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

test('best run is chosen by validation accuracy, not test accuracy', () => {
  const results = sampleResults();
  const byTest = results.runs.filter((r) => r.test).sort((a, b) => b.test!.accuracy - a.test!.accuracy)[0];
  assert.equal(`${byTest.arch}/${byTest.optimizer}`, 'lstm/adam', 'fixture: LSTM+Adam has the best test accuracy');
  const best = selectBest(results.runs)!;
  assert.equal(`${best.run.arch}/${best.run.optimizer}`, 'gru/adam');
  assert.equal(best.record.valAccuracy, 0.8891);
  assert.deepEqual(bestPerArch(results).map((b) => `${b.run.arch}/${b.run.optimizer}`),
    ['rnn/adam', 'gru/adam', 'lstm/adam']);
});

test('diverged and failed runs are never best; ties go to the lower validation loss', () => {
  const results = sampleResults();
  const diverged = results.runs.find((r) => r.status === 'diverged')!;
  diverged.history[1].valAccuracy = 0.99;
  assert.notEqual(selectBest(results.runs)!.run, diverged);

  const twin = (valLoss: number): Run => {
    const run = structuredClone(results.runs.find((r) => r.arch === 'gru' && r.optimizer === 'adam')!);
    run.history[4].valLoss = valLoss;
    return run;
  };
  const [a, b] = [twin(0.4), twin(0.3)];
  assert.equal(selectBest([a, b])!.run, b);
  assert.equal(selectBest([b, a])!.run, b);
  assert.equal(selectBest([]), undefined);
});

test('summary.md has the table, best runs, baseline, notes, settings and machine', () => {
  const results = sampleResults();
  const md = summaryMarkdown(results);
  assert.ok(md.startsWith('# IMDB sentiment — RNN × GRU × LSTM\n'));
  assert.match(md, /^12 runs: 10 ok, 1 diverged, 1 failed\.$/m);

  const table = section(md, 'Runs').filter((l) => l.startsWith('|'));
  assert.equal(table[0], '| Architecture | Optimizer | Learning rate | Seed | Epochs | Best epoch | Val. accuracy | ' +
    'Test accuracy | Macro-F1 | Wall time | Status |');
  assert.equal(table.length, 2 + results.runs.length);
  assert.ok(table.includes('| GRU | Adam | 0.001 | — | 5 | 4 | 88.91% | 86.02% | 0.860 | 6 min 00 s | ok |'));
  assert.ok(table.some((l) => l.startsWith('| RNN | SGD | 0.1 | — | 3 | 1 |') &&
    l.includes('diverged: loss became non-finite at epoch 3')));
  assert.ok(table.includes('| LSTM | AdaDelta | 1 | — | 0 | — | — | — | — | 12.5 s | ' +
    'failed: worker exited with signal SIGKILL (out of memory?) |'));

  const best = section(md, 'Best runs').join('\n');
  assert.match(best, /validation accuracy/);
  assert.match(best, /\*\*Overall: GRU · Adam · lr 0\.001\*\*: validation 88\.91%, test 86\.02%/);
  assert.match(best, /\| LSTM \| Adam \| 0\.001 \| 5 \| 88\.03% \| 87\.95% \| 0\.879 \|/);

  assert.match(section(md, 'Baseline').join('\n'), /Majority-class baseline: 50\.00% test accuracy/);
  assert.deepEqual(section(md, 'Notes').filter((l) => l.startsWith('- ')), results.notes!.map((n) => `- ${n}`));
  assert.ok(section(md, 'Settings').includes('| --hidden | 128 |'));
  assert.ok(section(md, 'Settings').includes('| --batch-size | 64 |'));
  assert.ok(section(md, 'Machine').includes('- BLAS: OpenBLAS 0.3.26, 2 threads'));
});

test('table cells escape pipes and newlines so a reason cannot break the table', () => {
  const results = sampleResults();
  results.runs[0].reason = 'bad | input\nsecond line <b>';
  const row = summaryMarkdown(results).split('\n').find((l) => l.startsWith('| RNN | SGD'))!;
  assert.ok(row.endsWith('| diverged: bad \\| input second line &lt;b> |'), row);
});

test('with no finished run the summary says so instead of inventing a best run', () => {
  const results = sampleResults();
  for (const run of results.runs) run.status = 'running';
  assert.match(section(summaryMarkdown(results), 'Best runs').join('\n'), /No run finished/);
});

test('summary.md reads each run: over-fitting, still improving, at baseline, diverged', () => {
  const results = sampleResults();
  const gru = results.runs.find((r) => r.arch === 'gru' && r.optimizer === 'adam')!;
  // validation loss rises after the kept epoch while training loss keeps falling
  gru.bestEpoch = 2;
  gru.history[2].valLoss = 0.30;
  gru.history[5].valLoss = 0.45;
  const md = summaryMarkdown(results);
  const lines = section(md, 'Reading of each run').filter((l) => l.startsWith('- '));
  assert.equal(lines.length, results.runs.length);
  assert.match(lines.find((l) => l.includes('GRU · Adam'))!, /over-fitting — validation loss rose from 0\.300 \(epoch 2\)/);
  assert.match(lines.find((l) => l.includes('RNN · SGD'))!, /diverged/);
  assert.match(lines.find((l) => l.includes('LSTM · AdaDelta'))!, /failed/);
});

test('the title names the data set, not its path; the baselines section lists every named baseline', () => {
  const results = sampleResults();
  results.settings.dataset = '/home/me/data/reviews/tweets.csv';
  results.title = 'RNN × Adam on /home/me/data/reviews/tweets.csv';
  // a baseline this report has never heard of still gets its sentence (NBSVM has its own: baselines.test.ts)
  (results.baseline as Record<string, unknown>).logreg = { accuracy: 0.8812 };
  const md = summaryMarkdown(results);
  assert.ok(md.startsWith('# RNN × Adam on tweets\n'), md.slice(0, 80));
  assert.match(section(md, 'Baseline').join('\n'), /logreg baseline: 88\.12% test accuracy/);
});
