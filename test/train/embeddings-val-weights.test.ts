/**
 * The run-level options of issue 16: --embeddings / --freeze-embeddings, --val FILE and --class-weights balanced,
 * through trainRun (what `rnnlab train` calls) and the CLI's one-line errors.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { trainRun } from '../../src/train/run.ts';
import { readRunConfig, readVocab } from '../../src/train/run-dir.ts';
import { loadSafetensors } from '../../src/nn/safetensors.ts';
import { oneLineError, rnnlab } from '../cli/helpers.ts';
import { collector, dataSpec, smallTrain, tmpDir, writeSyntheticCsv } from './helpers.ts';

const root = tmpDir();
const csv = writeSyntheticCsv(root, 200);
const quiet = { log: () => {}, progress: false };

/** 8-d vectors for a few of the synthetic set's words (and one it does not have). */
const VECTORS: Record<string, number[]> = {
  great: [1, 1, 1, 1, 0, 0, 0, 0], awful: [-1, -1, -1, -1, 0, 0, 0, 0], movie: [0, 0, 0, 0, 1, 1, 1, 1],
  film: [0, 0, 0, 0, 1, 1, 1, -1], zebra: [5, 5, 5, 5, 5, 5, 5, 5],
};
const gloveText = Object.entries(VECTORS).map(([w, v]) => `${w} ${v.join(' ')}`).join('\n') + '\n';
const glove = join(root, 'vectors.8d.txt.gz');
writeFileSync(glove, gzipSync(gloveText));

function embeddingRow(dir: string, file: 'model' | 'checkpoint', word: string): number[] {
  const vocab = readVocab(dir);
  const id = vocab.itos.indexOf(word);
  assert.ok(id > 1, `${word} is in the vocabulary`);
  const w = loadSafetensors(join(dir, `${file}.safetensors`)).tensors.get('embedding.weight')!;
  return Array.from(w.data.subarray(id * 8, (id + 1) * 8));
}

test('--embeddings --freeze-embeddings: the rows start from the file and stay there; coverage recorded', async () => {
  const dir = join(root, 'frozen');
  const { lines, log } = collector();
  const out = await trainRun({ dir, train: smallTrain({ embed: 8, embeddings: glove, freezeEmbeddings: true, epochs: 2 }), data: dataSpec(csv) }, { log, progress: false });
  assert.equal(out.status, 'ok');
  for (const w of ['great', 'awful', 'movie', 'film']) assert.deepEqual(embeddingRow(dir, 'checkpoint', w), VECTORS[w]);
  const c = readRunConfig(dir);
  assert.equal(c.embeddings!.found, 4);
  assert.equal(c.embeddings!.dim, 8);
  assert.equal(c.embeddings!.frozen, true);
  assert.equal(c.embeddings!.coverage, 4 / (c.vocabSize - 2));
  assert.ok(c.embeddings!.tokenCoverage > 0 && c.embeddings!.tokenCoverage < 1);
  assert.equal(c.train.embeddings, glove);
  assert.ok(lines.some((l) => /embeddings .*: 4 of \d+ vocabulary words .* frozen/.test(l)), lines.join('\n'));
});

test('--embeddings without freezing: the rows start from the file and are then trained', async () => {
  const dir = join(root, 'tuned');
  await trainRun({ dir, train: smallTrain({ embed: 8, embeddings: glove, epochs: 1 }), data: dataSpec(csv) }, quiet);
  assert.notDeepEqual(embeddingRow(dir, 'checkpoint', 'great'), VECTORS.great);
  assert.equal(readRunConfig(dir).embeddings!.frozen, false);
});

test('--val FILE: the validation split is that file, nothing is held out of the training data', async () => {
  const valCsv = writeSyntheticCsv(tmpDir(), 30, { seed: 99 });
  const dir = join(root, 'val');
  const out = await trainRun({ dir, train: smallTrain({ epochs: 1 }), data: dataSpec(csv, { val: valCsv, valSplit: 0 }) }, quiet);
  assert.equal(out.status, 'ok');
  const c = readRunConfig(dir);
  assert.equal(c.data.sizes.val, 30);
  assert.equal(c.data.sizes.train + c.data.sizes.test, 200);
  assert.equal(c.data.spec.load.val, valCsv);
  assert.match(c.data.description, /val: /);
});

test('--class-weights balanced: weights from the training counts, recorded in config.json', async () => {
  // 3:1 skewed labels
  const dir0 = tmpDir();
  const rows = ['text,label'];
  for (let i = 0; i < 160; i++) rows.push(`the film was ${i % 4 === 0 ? 'great' : 'awful'} and long,${i % 4 === 0 ? 'pos' : 'neg'}`);
  const skewed = join(dir0, 'skewed.csv');
  writeFileSync(skewed, rows.join('\n') + '\n');
  const dir = join(root, 'weights');
  const out = await trainRun({ dir, train: smallTrain({ epochs: 1, classWeights: 'balanced' }), data: dataSpec(skewed) }, quiet);
  assert.equal(out.status, 'ok');
  const c = readRunConfig(dir);
  const [neg, pos] = c.data.classCounts.train as [number, number];
  assert.deepEqual(c.classWeights, [1, neg / pos]);
  assert.equal(c.train.classWeights, 'balanced');
  // the weighted training loss differs from an unweighted run's (same seed, same data)
  const plain = await trainRun({ dir: join(root, 'weights-none'), train: smallTrain({ epochs: 1 }), data: dataSpec(skewed) }, quiet);
  assert.notEqual(plain.history[1]!.trainLoss, out.history[1]!.trainLoss);
  assert.equal(readRunConfig(join(root, 'weights-none')).classWeights, undefined);
});

test('CLI: --embeddings sets --embed from the file; a wrong --embed, a missing file, a bad --val are one-line errors', () => {
  const ok = rnnlab(['train', '--dataset', csv, '--embeddings', glove, '--epochs', '1', '--hidden', '4', '--out', join(root, 'cli-dim')]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(readFileSync(join(root, 'cli-dim', 'config.json'), 'utf8')).model.embed, 8);
  oneLineError(rnnlab(['train', '--dataset', csv, '--embeddings', glove, '--embed', '16', '--out', join(root, 'cli-bad')]),
    /8-dimensional vectors but the model's embedding size is 16; pass --embed 8/);
  oneLineError(rnnlab(['train', '--dataset', csv, '--embeddings', join(root, 'nope.vec'), '--out', join(root, 'cli-missing')]),
    /--embeddings .*nope\.vec: no such file/);
  const odd = join(root, 'odd-val.csv');
  writeFileSync(odd, 'text,label\nsome text,maybe\n');
  oneLineError(rnnlab(['train', '--dataset', csv, '--val', odd, '--out', join(root, 'cli-val')]),
    /label "maybe" \(--val .*\) never occurs in the training data/);
  oneLineError(rnnlab(['train', '--dataset', csv, '--class-weights', 'inverse', '--out', join(root, 'cli-cw')]),
    /--class-weights must be one of none, balanced/);
});
