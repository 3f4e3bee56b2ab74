/**
 * `rnnlab data`: loads a data set the way `train` would and describes it — counts per split and label (with the
 * majority-class baseline), text lengths in tokens, vocabulary size, the share of <unk> tokens and of texts
 * longer than --max-len, and how long loading took. Single-class splits fail here, before any training.
 */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { addDataOptions, parseDataOptions, toLoadOptions, toPrepareOptions } from '../options/data.ts';
import {
  checkSplits, loadDataset, majorityBaseline, prepareSplits, splitStats, type DataProgress, type EncodedSplit,
} from '../../data/index.ts';

/** A cli-progress bar on stderr, one per phase; does nothing unless stderr is a terminal. */
export function progressBar(): { update: (p: DataProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  let bar: cliProgress.SingleBar | undefined;
  let phase = '';
  const stop = (): void => { bar?.stop(); bar = undefined; };
  return {
    update: (p) => {
      if (p.phase !== phase) {
        stop();
        phase = p.phase;
        bar = new cliProgress.SingleBar(
          { stream: process.stderr, format: `${p.phase.padEnd(8)} [{bar}] {percentage}% {value}/{total}`, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.total || 1, 0);
      }
      if (p.total) bar!.setTotal(p.total);
      bar!.update(p.done);
    },
    stop,
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

export function register(program: Command): void {
  const cmd = program
    .command('data')
    .description('load a data set and print its splits, labels, text lengths and vocabulary statistics');
  addDataOptions(cmd);
  cmd.addHelpText('after', `
Examples:
  $ rnnlab data                                           IMDB (downloaded and cached on first use)
  $ rnnlab data --dataset reviews.csv --text-column body --label-column stars
  $ rnnlab data --dataset reviews.jsonl --test held-out.jsonl --max-len 400 --json
`);
  cmd.option('--json', 'print one JSON object instead of text').action(async (raw: Record<string, unknown>) => {
    const o = parseDataOptions(raw);
    const t0 = performance.now();
    const progress = progressBar();
    let data;
    let prep;
    try {
      data = await loadDataset(toLoadOptions(o, progress.update));
      prep = prepareSplits(data, toPrepareOptions(o, progress.update));
    } finally {
      progress.stop();
    }
    const totalSeconds = (performance.now() - t0) / 1000;
    for (const w of data.warnings) process.stderr.write(`rnnlab: warning: ${w}\n`);
    const { counts, warnings } = checkSplits(data);
    const splits = { train: prep.train, val: prep.val, test: prep.test } as Record<string, EncodedSplit>;
    const describe = (name: 'train' | 'val' | 'test') => {
      const s = splitStats(splits[name]!);
      const base = majorityBaseline(counts[name], data.labels);
      return {
        total: s.total,
        labels: Object.fromEntries(data.labels.map((l, c) => [l, counts[name][c]!])),
        majorityBaseline: { label: base.label, accuracy: base.accuracy },
        tokens: s.tokens,
        unkShare: s.unkShare,
        longerThanMaxLen: s.longerThanMaxLen,
      };
    };
    const report = {
      name: data.name,
      description: data.description,
      labels: data.labels,
      train: describe('train'),
      val: describe('val'),
      test: describe('test'),
      vocabSize: prep.vocab.size,
      maxLen: o.maxLen,
      truncate: o.truncate,
      seconds: { load: data.loadSeconds, tokenizeAndVocab: prep.seconds, total: totalSeconds },
      warnings,
    };
    if (raw.json) {
      process.stdout.write(JSON.stringify(report) + '\n');
      return;
    }
    const w = Math.max(6, ...data.labels.map((l) => l.length + 1));
    const lines = [
      `data set: ${data.name}  (${data.description})`,
      `labels (class index order): ${data.labels.map((l, i) => `${i}=${l}`).join(', ')}`,
      '',
      `${'split'.padEnd(6)}${'total'.padStart(8)}${data.labels.map((l) => l.padStart(w + 1)).join('')}   majority baseline`,
    ];
    for (const name of ['train', 'val', 'test'] as const) {
      const d = report[name];
      lines.push(
        `${name.padEnd(6)}${String(d.total).padStart(8)}${data.labels.map((l) => String(d.labels[l]).padStart(w + 1)).join('')}` +
          `   ${pct(d.majorityBaseline.accuracy)} (${d.majorityBaseline.label})`,
      );
    }
    lines.push('', `tokens per text (before truncation):`);
    for (const name of ['train', 'val', 'test'] as const) {
      const t = report[name].tokens;
      lines.push(`  ${name.padEnd(6)} p50 ${t.p50}  p90 ${t.p90}  p95 ${t.p95}  p99 ${t.p99}  max ${t.max}  mean ${t.mean.toFixed(1)}`);
    }
    lines.push(
      '',
      `vocabulary: ${report.vocabSize} tokens (from train only; --vocab-size ${o.vocabSize}, --min-freq ${o.minFreq})`,
      `<unk> share of tokens: ${(['train', 'val', 'test'] as const).map((n) => `${n} ${pct(report[n].unkShare)}`).join(', ')}`,
      `longer than --max-len ${o.maxLen} (truncated, keeping the ${o.truncate}): ` +
        (['train', 'val', 'test'] as const).map((n) => `${n} ${pct(report[n].longerThanMaxLen)}`).join(', '),
      `time: load ${report.seconds.load.toFixed(2)} s, tokenize + vocabulary ${report.seconds.tokenizeAndVocab.toFixed(2)} s, total ${totalSeconds.toFixed(2)} s`,
    );
    process.stdout.write(lines.join('\n') + '\n');
  });
}
