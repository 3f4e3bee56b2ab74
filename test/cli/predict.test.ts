import test from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rnnlabAsync, rnnlab } from './helpers.ts';
import { dataSpec, smallTrain, tmpDir, writeSyntheticCsv } from '../train/helpers.ts';
import { trainRun } from '../../src/train/run.ts';

const root = tmpDir('rnnlab-cli-predict-');
const model = join(root, 'run');
const ready = (async () => {
  const csv = writeSyntheticCsv(root, 200);
  const out = await trainRun({ dir: model, train: smallTrain({ epochs: 5, lr: 0.03, embed: 16, hidden: 16 }), data: dataSpec(csv) }, { log: () => {}, progress: false });
  assert.ok(out.metrics!.accuracy >= 0.9);
})();

test('predict: texts as arguments, from --file and from stdin; one line per text with label and probability', async () => {
  await ready;
  const file = join(root, 'texts.txt');
  writeFileSync(file, 'the plot was awful\n\nthe movie was great\n');
  const [args, fromFile, json] = await Promise.all([
    rnnlabAsync(['predict', '--model', model, 'a great film', 'an awful film']),
    rnnlabAsync(['predict', '--model', model, '--file', file]),
    rnnlabAsync(['predict', '--model', model, '--json', '--ids', 'a great film', 'awful']),
  ]);
  assert.equal(args.code, 0, args.stderr);
  const lines = args.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^pos\t(0\.9\d{3}|1\.0000)\ta great film$/);
  assert.match(lines[1]!, /^neg\t(0\.9\d{3}|1\.0000)\tan awful film$/);

  assert.equal(fromFile.code, 0, fromFile.stderr);
  // one output line per input line: the blank line gets a marked line, not a prediction
  assert.deepEqual(fromFile.stdout.split('\n').slice(0, -1).map((l) => l.split('\t')[0]), ['neg', '-', 'pos'], 'order and blank lines kept');
  assert.equal(fromFile.stdout.split('\n')[1], '-\t-\t(empty text: no prediction)');

  assert.equal(json.code, 0, json.stderr);
  const objs = json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.equal(objs[0].label, 'pos');
  assert.ok(objs[0].probability > 0.9 && objs[0].probability <= 1);
  assert.ok(Math.abs(objs[0].probabilities.pos + objs[0].probabilities.neg - 1) < 1e-6);
  assert.equal(objs[0].text, 'a great film');
  assert.equal(objs[0].ids.length, 3);
  assert.equal(objs[0].logits.length, 1, 'binary: one logit');
  assert.equal(objs[1].label, 'neg');

  const stdin = rnnlab(['predict', '--model', model], { input: 'what a great movie\nawful\n' });
  assert.equal(stdin.code, 0, stdin.stderr);
  assert.deepEqual(stdin.stdout.trimEnd().split('\n').map((l) => l.split('\t')[0]), ['pos', 'neg']);
});

test('predict: an empty text gets a marked empty line; 4 input lines give 4 output lines, also with --json', async () => {
  await ready;
  const input = 'a great film\n\n   \nawful\n';
  const [empty, text, json] = await Promise.all([
    rnnlabAsync(['predict', '--model', model, '']),
    Promise.resolve(rnnlab(['predict', '--model', model], { input })),
    Promise.resolve(rnnlab(['predict', '--model', model, '--json'], { input })),
  ]);
  assert.equal(empty.code, 0, empty.stderr);
  assert.equal(empty.stdout, '-\t-\t(empty text: no prediction)\n');
  assert.equal(text.code, 0, text.stderr);
  const t = text.stdout.split('\n').slice(0, -1);
  assert.equal(t.length, 4, text.stdout);
  assert.deepEqual(t.map((l) => l.split('\t')[0]), ['pos', '-', '-', 'neg']);
  assert.equal(json.code, 0, json.stderr);
  const j = json.stdout.split('\n').slice(0, -1).map((l) => JSON.parse(l));
  assert.equal(j.length, 4);
  assert.deepEqual(j.map((o) => o.label), ['pos', null, null, 'neg']);
  assert.deepEqual([j[1].empty, j[2].empty, j[1].text, j[2].text], [true, true, '', '   ']);
});

test('predict: a missing or non-run model directory is a one-line error', async () => {
  await ready;
  const [missing, notRun] = await Promise.all([
    rnnlabAsync(['predict', '--model', join(root, 'nope'), 'x']),
    rnnlabAsync(['predict', '--model', root, 'x']),
  ]);
  for (const r of [missing, notRun]) {
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  }
  assert.match(missing.stderr, /^rnnlab: model directory .*nope does not exist/);
  assert.match(notRun.stderr, /^rnnlab: .* is not an rnnlab run directory \(no config\.json\)/);
});
