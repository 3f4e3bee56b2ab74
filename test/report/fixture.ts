/**
 * A realistic results.json for the report tests: 3 architectures × 4 optimizers × 5 epochs, shaped like an IMDB
 * run (accuracy climbs from chance towards 75–88 %, SGD slowest, Adam fastest), with one diverged run (RNN+SGD)
 * and one failed run (LSTM+AdaDelta). The numbers are made up by smooth formulas, not measured.
 *
 * The trap for best-run selection: GRU+Adam has the highest VALIDATION accuracy, LSTM+Adam the highest TEST
 * accuracy. The report must pick GRU+Adam overall.
 */
import type { EpochRecord, Results, Run } from '../../src/report/results.ts';
import type { RunDetail } from '../../src/report/run-folder.ts';

const ARCHS = ['rnn', 'gru', 'lstm'];
const OPTIMIZERS = ['sgd', 'nag', 'adadelta', 'adam'];
const LR: Record<string, number> = { sgd: 0.1, nag: 0.1, adadelta: 1, adam: 0.001 };
const TARGET: Record<string, number> = { rnn: 0.76, gru: 0.86, lstm: 0.865 };
const PENALTY: Record<string, number> = { sgd: 0.09, nag: 0.05, adadelta: 0.03, adam: 0 };
const RATE: Record<string, number> = { sgd: 0.35, nag: 0.6, adadelta: 0.8, adam: 1.3 };
const EPOCHS = 5;

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

function curve(arch: string, opt: string, salt: number): EpochRecord[] {
  const target = TARGET[arch] - PENALTY[opt];
  const out: EpochRecord[] = [];
  for (let epoch = 0; epoch <= EPOCHS; epoch++) {
    const progress = 1 - Math.exp(-RATE[opt] * epoch);
    const acc = 0.5 + (target - 0.5) * progress;
    const wiggle = 0.004 * Math.sin(3.1 * epoch + salt); // deterministic "noise"
    const loss = 0.6931 - (0.6931 - (1.05 - target) * 1.2) * progress;
    out.push({
      epoch,
      trainLoss: epoch === 0 ? null : r4(loss - 0.03 * epoch),
      trainAccuracy: epoch === 0 ? null : r4(acc + 0.01 * epoch),
      valLoss: r4(loss + wiggle),
      valAccuracy: r4(acc + wiggle),
      testLoss: r4(loss - wiggle / 2),
      testAccuracy: r4(acc - wiggle / 2),
      seconds: r4(40 + 25 * ARCHS.indexOf(arch) + (epoch === 0 ? -30 : 0)),
    });
  }
  return out;
}

function finished(arch: string, opt: string, i: number): Run {
  const history = curve(arch, opt, i);
  const best = history.reduce((b, h) => (h.valAccuracy > b.valAccuracy ? h : b), history[0]);
  return {
    arch, optimizer: opt, lr: LR[opt], status: 'ok',
    seconds: r4(history.reduce((s, h) => s + h.seconds, 0)),
    history, bestEpoch: best.epoch,
    test: { accuracy: best.testAccuracy, loss: best.testLoss, macroF1: r4(best.testAccuracy - 0.002) },
    dir: `runs/${arch}-${opt}-lr${LR[opt]}`,
  };
}

export function sampleResults(): Results {
  const runs: Run[] = [];
  ARCHS.forEach((arch, a) => OPTIMIZERS.forEach((opt, o) => runs.push(finished(arch, opt, a * 4 + o))));
  const find = (arch: string, opt: string) => runs.find((r) => r.arch === arch && r.optimizer === opt)!;

  // The selection trap (see the file comment).
  const gru = find('gru', 'adam');
  gru.bestEpoch = 4;
  Object.assign(gru.history[4], { valAccuracy: 0.8891, testAccuracy: 0.8602 });
  gru.test = { accuracy: 0.8602, loss: 0.3301, macroF1: 0.8597 };
  const lstm = find('lstm', 'adam');
  lstm.bestEpoch = 5;
  Object.assign(lstm.history[5], { valAccuracy: 0.8803, testAccuracy: 0.8795 });
  lstm.test = { accuracy: 0.8795, loss: 0.3105, macroF1: 0.8791 };

  // RNN + SGD at lr 0.1 blows up: the loss grows and then turns non-finite (written as null).
  const rnn = find('rnn', 'sgd');
  rnn.status = 'diverged';
  rnn.reason = 'loss became non-finite at epoch 3; try a smaller learning rate or --clip';
  rnn.history = rnn.history.slice(0, 4);
  Object.assign(rnn.history[2], { valLoss: 2.91, testLoss: 3.02, valAccuracy: 0.5, testAccuracy: 0.5 });
  Object.assign(rnn.history[3], { trainLoss: null, valLoss: null, testLoss: null, valAccuracy: 0.5,
    testAccuracy: 0.5 });
  rnn.bestEpoch = 1;
  rnn.test = { accuracy: rnn.history[1].testAccuracy, loss: rnn.history[1].testLoss, macroF1: 0.512 };
  rnn.seconds = 190.2;

  // LSTM + AdaDelta never got past the initial evaluation.
  const failed = find('lstm', 'adadelta');
  failed.status = 'failed';
  failed.reason = 'worker exited with signal SIGKILL (out of memory?)';
  failed.history = failed.history.slice(0, 1);
  failed.bestEpoch = null;
  failed.test = null;
  failed.seconds = 12.5;

  return {
    title: 'IMDB sentiment — RNN × GRU × LSTM',
    runs,
    best: { arch: 'gru', optimizer: 'adam', lr: 0.001 },
    baseline: { majority: 0.5 },
    settings: {
      dataset: 'imdb', vocabSize: 20000, maxLen: 200, embed: 64, hidden: 128, numLayers: 1, bidirectional: false,
      batchSize: 64, epochs: EPOCHS, seed: 1, clip: 5, pooling: 'last',
    },
    machine: { cpu: 'AMD EPYC 7B13', cores: 2, blas: 'OpenBLAS 0.3.26', threads: 2, node: 'v20.20.2' },
    notes: [
      'Homework preset: vocabulary 20 000, sequences cut to 200 tokens, 5 epochs, as the assignment asks.',
      'Learning rates: SGD/NAG 0.1, AdaDelta 1.0, Adam 0.001 (each optimizer’s usual default).',
    ],
  };
}

/**
 * Run-folder details for sampleResults()'s runs (what readRunDetails reads from config.json / metrics.json): 540 /
 * 60 / 600 examples of two classes, and a confusion matrix consistent with each finished run's test accuracy.
 */
export function sampleDetails(results: Results): Map<Run, RunDetail> {
  const out = new Map<Run, RunDetail>();
  for (const run of results.runs) {
    const acc = run.test?.accuracy;
    const right = acc === undefined ? 0 : Math.round(300 * acc);
    const confusion = acc === undefined ? null : [[right + 10, 290 - right], [310 - right, right - 10]];
    out.set(run, {
      dataset: 'imdb', labels: ['neg', 'pos'], sizes: { train: 540, val: 60, test: 600 }, fingerprint: 'f00dfeedbeef',
      seed: 1, schedule: { kind: 'step', options: { stepSize: 2, gamma: 0.1 } }, confusion,
      perClass: confusion && [
        { label: 'neg', precision: 0.8, recall: 0.81, f1: 0.805, support: 300 },
        { label: 'pos', precision: 0.81, recall: 0.8, f1: 0.805, support: 300 },
      ],
    });
  }
  return out;
}
