import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { trainRun, prepareDataset } from '../../src/train/run.ts';
import { loadSavedModel, readHistory, readStatus, type EpochRecord } from '../../src/train/run-dir.ts';
import { loadSafetensors } from '../../src/nn/safetensors.ts';
import { RnnClassifier } from '../../src/nn/model.ts';
import { loadCheckpoint } from '../../src/train/checkpoint.ts';
import { predictTexts } from '../../src/train/predict.ts';
import { UserError } from '../../src/util/errors.ts';
import { collector, dataSpec, setCheckpointParam, smallTrain, tmpDir, writeSyntheticCsv } from './helpers.ts';

const root = tmpDir();
const csv = writeSyntheticCsv(root, 200);
const spec = dataSpec(csv);
const quiet = { log: () => {}, progress: false };

/** History without the wall-clock fields, which legitimately differ between runs. */
function numbers(h: EpochRecord[]): Omit<EpochRecord, 'seconds' | 'tokensPerSecond' | 'evalTokensPerSecond'>[] {
  return h.map(({ seconds: _s, tokensPerSecond: _t, evalTokensPerSecond: _e, ...rest }) => rest);
}

function tensors(path: string): Record<string, number[]> {
  const f = loadSafetensors(path);
  return Object.fromEntries([...f.tensors].map(([k, v]) => [k, Array.from(v.data)]));
}

test('a small LSTM learns the synthetic task and writes a complete run directory', async () => {
  const dir = join(root, 'learn');
  const { lines, log } = collector();
  const out = await trainRun({ dir, train: smallTrain({ epochs: 5, lr: 0.03, embed: 16, hidden: 16 }), data: spec }, { log, progress: false });
  assert.equal(out.status, 'ok');
  assert.deepEqual(readdirSync(dir).sort(), [
    'checkpoint.safetensors', 'config.json', 'history.jsonl', 'metrics.json', 'model.safetensors', 'status.json', 'vocab.json',
  ]);
  // It learned: well above the 50 % majority baseline (this fails if training does nothing useful).
  assert.ok(out.metrics!.accuracy >= 0.9, `test accuracy ${out.metrics!.accuracy}`);
  assert.equal(out.metrics!.baseline.majority.accuracy, 0.5);
  const h = readHistory(dir);
  assert.deepEqual(h.map((r) => r.epoch), [0, 1, 2, 3, 4, 5]);
  assert.equal(h[0]!.trainLoss, null);
  assert.equal(h[0]!.trainAccuracy, null);
  assert.ok(h[5]!.trainLoss! < h[1]!.trainLoss!, 'training loss decreases');
  assert.ok(h.slice(1).every((r) => r.tokensPerSecond! > 0));
  assert.ok(h.every((r) => r.evalTokensPerSecond === null || r.evalTokensPerSecond! > 0));
  assert.ok(h.some((r) => r.evalTokensPerSecond! > 0));
  // best = lowest validation loss, and metrics.json describes that epoch
  const best = h.reduce((a, b) => (b.valLoss! < a.valLoss! ? b : a));
  assert.equal(out.bestEpoch, best.epoch);
  const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
  assert.equal(metrics.epoch, best.epoch);
  assert.ok(metrics.macroF1 > 0.85 && Array.isArray(metrics.confusion));
  const status = readStatus(dir)!;
  assert.equal(status.status, 'ok');
  assert.equal(status.epochsCompleted, 5);
  // config.json: every hyperparameter, labels, version, tokenizer
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  assert.equal(config.train.optimizerOptions.lr, 0.03);
  assert.deepEqual(config.labels, ['neg', 'pos']);
  assert.equal(config.tokenizer, 'basic_english');
  assert.equal(config.maxLen, 20);
  assert.equal(config.truncate, 'head');
  assert.equal(typeof config.rnnlab, 'string');
  assert.deepEqual(config.data.sizes, { train: 128, val: 32, test: 40 });
  // model.safetensors uses PyTorch state_dict names
  const names = [...loadSafetensors(join(dir, 'model.safetensors')).tensors.keys()];
  assert.deepEqual(names, ['embedding.weight', 'rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0', 'fc.weight', 'fc.bias']);
  // one plain line per epoch, through the caller's logger
  assert.equal(lines.filter((l) => /^epoch \d\/5/.test(l)).length, 6);
  // the saved model predicts the cue words
  const saved = loadSavedModel(dir);
  const [p, n] = predictTexts(saved, ['the movie was great', 'the plot was awful']);
  assert.equal(p!.label, 'pos');
  assert.equal(n!.label, 'neg');
});

test('the LSTM starts with the default forget-gate bias (1) and records it; --forget-bias pytorch keeps PyTorch\'s draw', async () => {
  // a rate so small that one epoch leaves every bias within 1e-3 of where it started
  const forgetSlice = (dir: string): number[] => {
    const b = loadSafetensors(join(dir, 'checkpoint.safetensors')).tensors.get('rnn.bias_ih_l0')!.data;
    return Array.from(b.subarray(8, 16)); // hidden 8: gates i, f, g, o
  };
  const run = async (name: string, over: Record<string, unknown>) => {
    const dir = join(root, name);
    await trainRun({ dir, train: smallTrain({ epochs: 1, lr: 1e-6, ...over }), data: spec }, quiet);
    return dir;
  };
  const open = await run('fb-default', { forgetBias: undefined }); // rnnlab's default, not smallTrain's pin
  assert.ok(forgetSlice(open).every((v) => Math.abs(v - 1) < 1e-3), `forget slice ${forgetSlice(open)}`);
  assert.equal(JSON.parse(readFileSync(join(open, 'config.json'), 'utf8')).train.forgetBias, 1);
  const torch = await run('fb-pytorch', { forgetBias: 'pytorch' });
  assert.ok(forgetSlice(torch).every((v) => Math.abs(v) <= 1 / Math.sqrt(8) + 1e-3), 'inside PyTorch\'s U(±1/√hidden)');
  assert.equal(JSON.parse(readFileSync(join(torch, 'config.json'), 'utf8')).train.forgetBias, null);
});

test('same seed → bit-identical metrics and weights; another seed differs', async () => {
  const opts = smallTrain({ epochs: 2, dropout: 0.3, arch: 'gru' });
  const a = await trainRun({ dir: join(root, 'det-a'), train: opts, data: spec }, quiet);
  const b = await trainRun({ dir: join(root, 'det-b'), train: opts, data: spec }, quiet);
  const c = await trainRun({ dir: join(root, 'det-c'), train: { ...opts, seed: 43 }, data: { ...spec, load: { ...spec.load, seed: 43 } } }, quiet);
  assert.deepEqual(numbers(a.history), numbers(b.history));
  assert.deepEqual(a.metrics, b.metrics);
  assert.ok(readFileSync(join(root, 'det-a', 'model.safetensors')).equals(readFileSync(join(root, 'det-b', 'model.safetensors'))));
  assert.notDeepEqual(numbers(a.history), numbers(c.history));
});

test('resume: 2 epochs, then resume to 3 (and an interrupted run) end exactly like a straight 3-epoch run', async () => {
  // dropout (RNG state), a step schedule (scheduler state) and Adam (optimizer buffers) all have to survive.
  const opts = (epochs: number) => smallTrain({ epochs, dropout: 0.2, schedule: 'step', stepSize: 1, gamma: 0.5 });
  const straight = await trainRun({ dir: join(root, 'res-straight'), train: opts(3), data: spec }, quiet);

  const dir = join(root, 'res-split');
  const first = await trainRun({ dir, train: opts(2), data: spec }, quiet);
  assert.equal(first.epochsCompleted, 2);
  const second = await trainRun({ dir, train: opts(3), data: spec }, quiet);
  assert.equal(second.resumedFrom, 2);

  // Interrupted after epoch 1 (the signal fires from the epoch callback), then resumed.
  const dir2 = join(root, 'res-abort');
  const ac = new AbortController();
  const stopped = await trainRun({ dir: dir2, train: opts(3), data: spec }, { ...quiet, signal: ac.signal, onEpoch: (r) => { if (r.epoch === 1) ac.abort(); } });
  assert.equal(stopped.status, 'interrupted');
  assert.equal(readStatus(dir2)!.status, 'interrupted', 'stopped by the signal, not running');
  assert.equal(readStatus(dir2)!.epochsCompleted, 1);
  const third = await trainRun({ dir: dir2, train: opts(3), data: spec }, quiet);
  assert.equal(third.resumedFrom, 1);

  for (const [name, r, d] of [['resumed', second, dir], ['interrupted', third, dir2]] as const) {
    assert.deepEqual(numbers(r.history), numbers(straight.history), `${name}: history`);
    assert.deepEqual(r.metrics, straight.metrics, `${name}: metrics`);
    assert.deepEqual(numbers(readHistory(d)), numbers(readHistory(join(root, 'res-straight'))), `${name}: history.jsonl`);
    assert.ok(readFileSync(join(d, 'model.safetensors')).equals(readFileSync(join(root, 'res-straight', 'model.safetensors'))), `${name}: best weights`);
    // last-epoch weights and optimizer buffers, all bit-identical
    assert.deepEqual(tensors(join(d, 'checkpoint.safetensors')), tensors(join(root, 'res-straight', 'checkpoint.safetensors')), `${name}: checkpoint`);
  }
  // A finished run asked again: returned as recorded, nothing trained.
  const again = await trainRun({ dir, train: opts(3), data: spec }, quiet);
  assert.equal(again.alreadyFinished, true);
  assert.deepEqual(again.metrics, straight.metrics);
});

test('--word-dropout: recorded in config.json, changes what is learned, and a resumed run hides the same words', async () => {
  const opts = (epochs: number, over: Record<string, unknown> = {}) => smallTrain({ epochs, wordDropout: 0.3, ...over });
  const straight = await trainRun({ dir: join(root, 'wd-straight'), train: opts(2), data: spec }, quiet);
  const config = JSON.parse(readFileSync(join(root, 'wd-straight', 'config.json'), 'utf8'));
  assert.equal(config.train.wordDropout, 0.3);
  assert.equal(config.model.wordDropout, undefined, 'a training-only setting: the saved model does not carry it');
  const plain = await trainRun({ dir: join(root, 'wd-plain'), train: smallTrain({ epochs: 2 }), data: spec }, quiet);
  assert.notDeepEqual(numbers(straight.history).slice(1), numbers(plain.history).slice(1), 'hidden words change training');
  assert.deepEqual(numbers(straight.history)[0], numbers(plain.history)[0], 'epoch 0 (no training) is the same model');
  const dir = join(root, 'wd-split');
  await trainRun({ dir, train: opts(1), data: spec }, quiet);
  const resumed = await trainRun({ dir, train: opts(2), data: spec }, quiet);
  assert.equal(resumed.resumedFrom, 1);
  assert.deepEqual(numbers(resumed.history), numbers(straight.history));
  assert.deepEqual(tensors(join(dir, 'checkpoint.safetensors')), tensors(join(root, 'wd-straight', 'checkpoint.safetensors')));
});

test('--ema: training is unchanged, evaluation and the kept model use the averaged weights, and a resume is exact', async () => {
  const opts = (epochs: number, over: Record<string, unknown> = {}) => smallTrain({ epochs, ema: 0.9, ...over });
  const dir = join(root, 'ema-straight');
  const straight = await trainRun({ dir, train: opts(3), data: spec }, quiet);
  assert.equal(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).train.ema, 0.9);
  const plainDir = join(root, 'ema-plain');
  const plain = await trainRun({ dir: plainDir, train: smallTrain({ epochs: 3 }), data: spec }, quiet);
  const fit = (h: EpochRecord[]) => h.map((r) => [r.trainLoss, r.trainAccuracy]);
  assert.deepEqual(fit(straight.history), fit(plain.history), 'the optimizer trains the same raw weights');
  const raw = (path: string) => Object.fromEntries(Object.entries(tensors(path)).filter(([k]) => !k.startsWith('ema.')));
  assert.deepEqual(raw(join(dir, 'checkpoint.safetensors')), raw(join(plainDir, 'checkpoint.safetensors')));
  assert.notDeepEqual(straight.history.slice(1).map((r) => r.valLoss), plain.history.slice(1).map((r) => r.valLoss),
    'validation sees the average, not the last weights');
  // the kept model is the average: the final test pass over model.safetensors reproduces the kept epoch's figures
  const kept = straight.history.find((r) => r.epoch === straight.bestEpoch)!;
  assert.equal(straight.metrics!.accuracy, kept.testAccuracy);
  assert.ok(Math.abs((straight.metrics!.loss ?? NaN) - kept.testLoss!) < 1e-6);
  const ck = tensors(join(dir, 'checkpoint.safetensors'));
  assert.ok(Object.keys(ck).some((k) => k.startsWith('ema.')), 'the averages are checkpointed');
  const split = join(root, 'ema-split');
  await trainRun({ dir: split, train: opts(1), data: spec }, quiet);
  const resumed = await trainRun({ dir: split, train: opts(3), data: spec }, quiet);
  assert.equal(resumed.resumedFrom, 1);
  assert.deepEqual(numbers(resumed.history), numbers(straight.history));
  assert.deepEqual(tensors(join(split, 'checkpoint.safetensors')), ck);
  assert.deepEqual(tensors(join(split, 'model.safetensors')), tensors(join(dir, 'model.safetensors')));
  await assert.rejects(trainRun({ dir: split, train: opts(4, { ema: 0.99 }), data: spec }, quiet), /--ema 0\.9 \(run\) vs 0\.99 \(given\)/);
});

test('weights that turned NaN: the next step stops the run with a one-line reason, marked diverged, files usable', async () => {
  // epoch 1 trains normally; then the checkpoint's output bias is NaN, as if epoch 1's last update had overflowed
  const dir = join(root, 'diverge-nan');
  const opts = (epochs: number) => smallTrain({ epochs });
  assert.equal((await trainRun({ dir, train: opts(1), data: spec }, quiet)).status, 'ok');
  const bestBefore = readFileSync(join(dir, 'model.safetensors'));
  setCheckpointParam(dir, 'fc.bias', NaN);
  const out = await trainRun({ dir, train: opts(3), data: spec }, quiet);
  assert.equal(out.status, 'diverged');
  assert.match(out.reason!, /^training diverged at epoch 2, step 1: the loss is NaN \(no finite loss yet this epoch\); lower --lr or --clip$/);
  const status = readStatus(dir)!;
  assert.equal(status.status, 'diverged');
  assert.equal(status.reason, out.reason);
  assert.equal(status.epochsCompleted, 1);
  assert.deepEqual(readHistory(dir).map((r) => r.epoch), [0, 1], 'nothing of the diverged epoch is recorded');
  // the best weights are untouched, load, and predict finite probabilities; the last checkpoint loads too
  assert.ok(readFileSync(join(dir, 'model.safetensors')).equals(bestBefore));
  const saved = loadSavedModel(dir);
  for (const p of saved.model.params) assert.ok(p.data.every(Number.isFinite), p.name);
  const [pred] = predictTexts(saved, ['a great film']);
  assert.ok(Number.isFinite(pred!.probability));
  assert.equal(loadCheckpoint(join(dir, 'checkpoint.safetensors'), new RnnClassifier(saved.config.model, 1)).epoch, 1);
  assert.ok(existsSync(join(dir, 'metrics.json')));
  // asking again returns the recorded divergence instead of re-running it
  const again = await trainRun({ dir, train: opts(3), data: spec }, quiet);
  assert.equal(again.alreadyFinished, true);
  assert.equal(again.status, 'diverged');
});

test('weights that blew up without overflowing: an epoch\'s mean loss over 100 × chance stops the run (diverged)', async () => {
  // an output bias of 1e4 makes every "neg" example's loss ≈ 1e4 — finite on every machine, and far over the bound
  const dir = join(root, 'diverge-huge');
  const opts = (epochs: number) => smallTrain({ epochs });
  await trainRun({ dir, train: opts(1), data: spec }, quiet);
  setCheckpointParam(dir, 'fc.bias', 1e4);
  const out = await trainRun({ dir, train: opts(3), data: spec }, quiet);
  assert.equal(out.status, 'diverged');
  const m = /^training diverged in epoch 2: the mean training loss is (\S+), over 100 × the chance-level loss ln 2 \(69\.3\); lower --lr or --clip$/.exec(out.reason!);
  assert.ok(m, out.reason);
  assert.ok(Number(m[1]) > 1000 && Number(m[1]) < 1e4, m[1]);
  assert.equal(readStatus(dir)!.status, 'diverged');
  assert.deepEqual(readHistory(dir).map((r) => r.epoch), [0, 1]);
  assert.equal(out.bestEpoch !== null && out.bestEpoch <= 1, true);
  for (const p of loadSavedModel(dir).model.params) assert.ok(p.data.every(Number.isFinite), p.name);
});

test('issue 11\'s case, sgd --lr 1e6 --clip 0, is flagged as diverged in epoch 1 (by the loss bound, or by NaN)', async () => {
  // On the CPUs tried the loss stays finite (1.4e5, every OPENBLAS_CORETYPE); a kernel that overflows to NaN instead
  // is caught by the NaN check. Either way the run must not end "ok".
  const out = await trainRun({ dir: join(root, 'diverge-lr'), train: smallTrain({ optimizer: 'sgd', lr: 1e6, clip: 0 }), data: spec }, quiet);
  assert.equal(out.status, 'diverged');
  assert.match(out.reason!, /^training diverged (in epoch 1: the mean training loss is \S+, over 100 ×|at epoch 1, step \d+: the loss is (NaN|-?Infinity))/);
  assert.ok(!out.reason!.includes('\n'));
});

test('early stopping: --patience stops after that many epochs without a lower validation loss', async () => {
  // lr 0.1 for adam: the validation loss reaches a minimum after a few epochs, then rises (overshoots)
  const dir = join(root, 'patience');
  const out = await trainRun({ dir, train: smallTrain({ epochs: 8, lr: 0.1, patience: 1, clip: 0 }), data: spec }, quiet);
  assert.equal(out.status, 'ok');
  assert.equal(out.stoppedEarly, true);
  const h = out.history;
  const last = h[h.length - 1]!;
  assert.ok(last.epoch < 8);
  assert.equal(last.epoch, out.bestEpoch! + 1, 'stopped one (patience) epoch after the best');
  assert.ok(last.valLoss! >= h[out.bestEpoch!]!.valLoss!);
  assert.equal(Math.min(...h.map((r) => r.valLoss!)), h[out.bestEpoch!]!.valLoss);
  assert.equal(out.metrics!.epoch, out.bestEpoch);
  assert.equal(readStatus(dir)!.stoppedEarly, true);
  // a stopped run is finished: asking for it again (even with more epochs) trains nothing
  const again = await trainRun({ dir, train: smallTrain({ epochs: 8, lr: 0.1, patience: 1, clip: 0 }), data: spec }, quiet);
  assert.equal(again.alreadyFinished, true);
});

test('--patience under --select val-accuracy: an epoch with a new lowest validation loss is still learning', async () => {
  // 32 validation texts: the accuracy moves in steps of 3.1 points and ties (0.969 at epochs 4-6) while the loss falls
  const dir = join(root, 'patience-acc');
  const out = await trainRun({ dir, train: smallTrain({ epochs: 10, patience: 2, select: 'val-accuracy' }), data: spec }, quiet);
  const h = out.history;
  // the case this is about: two epochs in a row without a higher accuracy (patience 2 on accuracy alone stops there)
  const accuracyOnly = h.findIndex((r, i) => {
    if (i < 3) return false;
    const best = Math.max(...h.slice(1, i - 1).map((x) => x.valAccuracy!)); // the best before epoch i - 1
    return h[i - 1]!.valAccuracy! <= best && r.valAccuracy! <= best;
  });
  assert.ok(accuracyOnly > 0 && accuracyOnly < 10, 'the synthetic run has two epochs in a row without a higher accuracy');
  // ... while its validation loss kept falling, so the run went on to its last epoch
  assert.equal(out.stoppedEarly, false);
  assert.equal(h[h.length - 1]!.epoch, 10);
  // the kept epoch is still the earliest with the highest validation accuracy, whatever the loss did
  const top = Math.max(...h.slice(1).map((r) => r.valAccuracy!));
  assert.equal(out.bestEpoch, h.findIndex((r, i) => i > 0 && r.valAccuracy === top));
  // with patience counted on accuracy alone it would have stopped at accuracyOnly and kept an earlier, worse epoch
  assert.ok(h[out.bestEpoch!]!.valAccuracy! > Math.max(...h.slice(1, accuracyOnly + 1).map((r) => r.valAccuracy!)));
});

test('a folder holding a different run, or foreign files, is refused with one line', async () => {
  const dir = join(root, 'learn');
  await assert.rejects(
    trainRun({ dir, train: smallTrain({ epochs: 5, lr: 0.01, embed: 16, hidden: 16, seed: 7 }), data: spec }, quiet),
    // every difference at once, in flag names
    (e: unknown) => e instanceof UserError && /holds a different run: --lr 0\.03 \(run\) vs 0\.01 \(given\), --seed 42 \(run\) vs 7 \(given\);/.test(e.message),
  );
  await assert.rejects(
    trainRun({ dir, train: smallTrain({ epochs: 5, lr: 0.03, embed: 16, hidden: 16 }), data: spec }, { ...quiet, resume: false }),
    (e: unknown) => e instanceof UserError && /already holds this run; pass --resume/.test(e.message),
  );
  // the step schedule's default step size follows --epochs: extending such a run names the flag that keeps it
  const stepDir = join(root, 'step-extend');
  await trainRun({ dir: stepDir, train: smallTrain({ epochs: 1, schedule: 'step' }), data: spec }, quiet);
  await assert.rejects(
    trainRun({ dir: stepDir, train: smallTrain({ epochs: 6, schedule: 'step' }), data: spec }, quiet),
    (e: unknown) => e instanceof UserError && /--step-size 1 \(run\) vs 2 \(given\) \(to extend it, pass --step-size 1\)/.test(e.message),
  );
  const extended = await trainRun({ dir: stepDir, train: smallTrain({ epochs: 2, schedule: 'step', stepSize: 1 }), data: spec }, quiet);
  assert.equal(extended.epochsCompleted, 2);
  // a cosine schedule's length is --epochs: extending it would rewrite the rates its finished epochs ran on
  const cosDir = join(root, 'cosine-extend');
  await trainRun({ dir: cosDir, train: smallTrain({ epochs: 1, schedule: 'cosine' }), data: spec }, quiet);
  await assert.rejects(
    trainRun({ dir: cosDir, train: smallTrain({ epochs: 2, schedule: 'cosine' }), data: spec }, quiet),
    (e: unknown) => e instanceof UserError && /--epochs \(the cosine schedule's length\) 1 \(run\) vs 2 \(given\) \(a cosine run cannot be extended: its rate was planned to reach 0 at epoch 1; train a new run/.test(e.message),
  );
  const foreign = join(root, 'foreign');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'notes.txt'), 'mine');
  await assert.rejects(trainRun({ dir: foreign, train: smallTrain(), data: spec }, quiet),
    (e: unknown) => e instanceof UserError && /not empty and holds no rnnlab run/.test(e.message));
});

test('a prepared data set can be shared by several runs (the experiment runner loads it once)', async () => {
  const ds = await prepareDataset(spec);
  const a = await trainRun({ dir: join(root, 'shared-a'), train: smallTrain({ epochs: 1, arch: 'rnn' }), data: spec }, { ...quiet, dataset: ds });
  const b = await trainRun({ dir: join(root, 'shared-b'), train: smallTrain({ epochs: 1, arch: 'rnn' }), data: spec }, quiet);
  assert.deepEqual(numbers(a.history), numbers(b.history));
});

test('a damaged checkpoint is a one-line error naming the file, not a crash', async () => {
  const dir = join(root, 'damaged');
  await trainRun({ dir, train: smallTrain({ epochs: 1, arch: 'rnn' }), data: spec }, quiet);
  const ck = join(dir, 'checkpoint.safetensors');
  writeFileSync(ck, readFileSync(ck).subarray(0, 100));
  // status 'ok' with 1 epoch: asking for 2 epochs resumes from the (damaged) checkpoint
  await assert.rejects(trainRun({ dir, train: smallTrain({ epochs: 2, arch: 'rnn' }), data: spec }, quiet),
    (e: unknown) => e instanceof UserError && e.message.includes('checkpoint.safetensors') && !e.message.includes('\n'));
});

test('without a validation split: the latest epoch is kept, and --patience is refused', async () => {
  const noVal = dataSpec(csv, { valSplit: 0 });
  const out = await trainRun({ dir: join(root, 'noval'), train: smallTrain({ epochs: 2, arch: 'rnn' }), data: noVal }, quiet);
  assert.equal(out.bestEpoch, 2);
  assert.equal(out.history[1]!.valLoss, null);
  await assert.rejects(trainRun({ dir: join(root, 'noval-p'), train: smallTrain({ epochs: 2, patience: 1 }), data: noVal }, quiet),
    (e: unknown) => e instanceof UserError && /--patience needs a validation split/.test(e.message));
});
