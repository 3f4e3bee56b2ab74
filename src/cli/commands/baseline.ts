/**
 * `rnnlab baseline`: the baselines an RNN has to beat on a data set, with the same data options (and so the same
 * splits) as `rnnlab train`: the majority class of the training split, and NBSVM on uni+bigrams (src/baseline),
 * its setting chosen on the validation split and scored once on the test split. Prints the grid it searched.
 */
import type { Command } from 'commander';
import { addDataOptions, parseDataOptions, toLoadOptions } from '../options/data.ts';
import { progressBar } from './data.ts';
import { checkSplits, loadDataset, majorityBaseline } from '../../data/index.ts';
import { nbsvmBaseline, nbsvmRecord } from '../../baseline/index.ts';

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toFixed(2)}%`);

export function register(program: Command): void {
  const cmd = program
    .command('baseline')
    .description('majority-class and NBSVM (uni+bigram) baselines on the splits rnnlab train would use');
  addDataOptions(cmd);
  cmd.option('--json', 'print one JSON object instead of text');
  cmd.addHelpText('after', `
NBSVM (Wang & Manning 2012): binary uni+bigram features of the whole text (basic_english tokens, the RNNs'
tokenizer; --vocab-size, --min-freq, --max-len and --truncate do not apply: every training n-gram is a feature),
scaled by the log-count ratio, then a linear SVM (squared hinge) or logistic regression; (loss, C, β) chosen by
validation accuracy, the paper's setting (SVM, C = 1, β = 0.25) first. Multi-class: one-vs-rest.

Examples:
  $ rnnlab baseline                                   IMDB, the default splits
  $ rnnlab baseline --dataset reviews.csv --json
`);
  cmd.action(async (raw: Record<string, unknown>) => {
    const o = parseDataOptions(raw);
    const t0 = performance.now();
    const progress = progressBar();
    let data;
    try {
      data = await loadDataset(toLoadOptions(o, progress.update));
    } finally {
      progress.stop();
    }
    for (const w of data.warnings) process.stderr.write(`rnnlab: warning: ${w}\n`);
    const { counts } = checkSplits(data);
    // the class a majority predictor picks is the training split's; it is scored on val and test
    const majority = majorityBaseline(counts.train, data.labels);
    const share = (split: number[]): number | null => {
      const total = split.reduce((a, b) => a + b, 0);
      return total ? split[majority.classIndex]! / total : null;
    };
    const nb = nbsvmBaseline(data);
    const totalSeconds = (performance.now() - t0) / 1000;
    const report = {
      name: data.name,
      description: data.description,
      sizes: { train: data.train.length, val: data.val.length, test: data.test.length },
      majority: { label: majority.label, valAccuracy: share(counts.val), testAccuracy: share(counts.test) },
      nbsvm: { ...nbsvmRecord(nb), candidates: nb.candidates, secondsDetail: nb.seconds },
      seconds: { load: data.loadSeconds, total: totalSeconds },
    };
    if (raw.json) {
      process.stdout.write(JSON.stringify(report) + '\n');
      return;
    }
    const lines = [
      `data set: ${data.name}  (${data.description})`,
      `splits: ${data.train.length} train / ${data.val.length} val / ${data.test.length} test`,
      '',
      `majority class ("${majority.label}", from train): val ${pct(report.majority.valAccuracy)}, test ${pct(report.majority.testAccuracy)}`,
      '',
      `NBSVM: ${nb.features.toLocaleString('en-US')} uni+bigram features from the training split`,
    ];
    if (nb.candidates.length) {
      lines.push(`  ${'loss'.padEnd(14)}${'C'.padStart(6)}${'β'.padStart(6)}${'val acc'.padStart(10)}`);
      for (const c of nb.candidates) {
        const mark = c.loss === nb.setting.loss && c.C === nb.setting.C && c.beta === nb.setting.beta ? '  ← chosen' : '';
        lines.push(`  ${c.loss.padEnd(14)}${String(c.C).padStart(6)}${String(c.beta).padStart(6)}${pct(c.valAccuracy).padStart(10)}${mark}`);
      }
    } else {
      lines.push("  no validation split: the paper's setting (squared-hinge, C = 1, β = 0.25), not tuned");
    }
    const s = nb.setting;
    lines.push(
      `  chosen ${s.loss} C=${s.C} β=${s.beta}: val ${pct(nb.valAccuracy)}, test ${pct(nb.testAccuracy)}`,
      '',
      `time: load ${data.loadSeconds.toFixed(2)} s, NBSVM features ${nb.seconds.features.toFixed(2)} s, ` +
        `fit + select ${nb.seconds.fit.toFixed(2)} s, test ${nb.seconds.test.toFixed(2)} s, total ${totalSeconds.toFixed(2)} s`,
    );
    process.stdout.write(lines.join('\n') + '\n');
  });
}
