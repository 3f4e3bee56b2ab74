/**
 * `rnnlab train --preset NAME`: every entry of the preset table (src/train/presets.ts, the one README quotes and
 * --help prints) ends up in config.json as documented; a flag given on the command line wins; a bad name is one line.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { oneLineError, rnnlab } from './helpers.ts';
import { tmpDir, writeSyntheticCsv } from '../train/helpers.ts';
import { TRAIN_PRESETS } from '../../src/train/presets.ts';
import { SMALL_SET } from '../../src/train/run.ts';
import { readRunConfig } from '../../src/train/run-dir.ts';

const root = tmpDir('rnnlab-cli-preset-');
const csv = writeSyntheticCsv(root, 120);
const small = ['--dataset', csv, '--embed', '6', '--hidden', '5', '--batch-size', '16', '--val-split', '0.2', '--no-baseline'];

/** Where each preset key lands in config.json, and how its typed value reads there. */
function recorded(config: Record<string, any>, key: string): unknown {
  const t = config.train;
  switch (key) {
    case 'maxLen': return String(config.data.spec.prepare.maxLen);
    case 'vocabSize': return String(config.data.spec.prepare.maxSize);
    case 'stepSize': return String(t.schedule.options.stepSize);
    case 'schedule': return t.schedule.kind;
    case 'bidirectional': return t.bidirectional;
    case 'select': return t.select;
    case 'pooling': return t.pooling;
    default: return String(t[key]);
  }
}

for (const [name, preset] of Object.entries(TRAIN_PRESETS)) {
  test(`--preset ${name}: every documented setting is recorded in config.json, and the model is built with it`, () => {
    const out = join(root, name);
    const r = rnnlab(['train', ...small, '--preset', name, '--epochs', '1', '--max-len', '12', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^preset ${name}: --`, 'm'));
    const config = readRunConfig(out);
    for (const [key, value] of Object.entries(preset.options)) {
      if (key === 'epochs' || key === 'maxLen') continue; // given on the command line: checked below
      assert.deepEqual(recorded(config, key), value, `${name}: ${key}`);
    }
    assert.equal(config.train.epochs, 1, '--epochs given on the command line wins over the preset');
    assert.equal(config.data.spec.prepare.maxLen, 12, '--max-len given on the command line wins over the preset');
    // the model is built from the same settings
    assert.equal(config.model.bidirectional, preset.options.bidirectional);
    assert.equal(config.model.pooling, preset.options.pooling);
    assert.equal(config.model.embedDropout, Number(preset.options.embedDropout));
    // --help prints the table entry as flags
    const help = rnnlab(['train', '--help']);
    assert.match(help.stdout, new RegExp(`${name}: .*\\n\\s+= --bidirectional --pooling last\\+max\\+mean`));
  });
}

test('--preset with a flag that disagrees: the flag wins; an unknown preset is a one-line error', () => {
  const out = join(root, 'override');
  const r = rnnlab(['train', ...small, '--preset', 'strong', '--epochs', '1', '--pooling', 'max', '--max-len', '30', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const config = readRunConfig(out);
  assert.equal(config.train.pooling, 'max');
  assert.equal(config.data.spec.prepare.maxLen, 30);
  assert.equal(config.train.bidirectional, true, 'the rest of the preset still applies');
  oneLineError(rnnlab(['train', ...small, '--preset', 'fast', '--out', join(root, 'x')]), /unknown --preset 'fast'; use strong/);
});

test('--preset strong beside a step schedule: --step-size asks for one (the preset\'s cosine is left out), --schedule step too', () => {
  const out = join(root, 'step2');
  const r = rnnlab(['train', ...small, '--preset', 'strong', '--step-size', '2', '--epochs', '3', '--max-len', '12', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const config = readRunConfig(out);
  assert.deepEqual(config.train.schedule, { kind: 'step', options: { stepSize: 2, gamma: 0.1 } });
  assert.equal(config.train.wordDropout, Number(TRAIN_PRESETS.strong.options.wordDropout), 'the rest of the preset applies');
  // the line that says what the preset filled names what it filled: not --schedule, nor the --epochs given
  const wordDropout = String(TRAIN_PRESETS.strong.options.wordDropout).replace('.', '\\.');
  assert.match(r.stdout, new RegExp(`^preset strong: --bidirectional .*--word-dropout ${wordDropout} .*\\(besides the flags given on the command line\\)$`, 'm'));
  assert.doesNotMatch(r.stdout, /^preset strong: .*(--schedule|--epochs)/m);
  const step = join(root, 'step-default');
  assert.equal(rnnlab(['train', ...small, '--preset', 'strong', '--schedule', 'step', '--epochs', '3', '--max-len', '12', '--out', step]).code, 0);
  assert.equal(readRunConfig(step).train.schedule.kind, 'step');
  // a --step-size the user typed beside another schedule is still the user's mistake, said in one line
  oneLineError(rnnlab(['train', ...small, '--preset', 'strong', '--schedule', 'cosine', '--step-size', '2', '--out', join(root, 'cos2')]),
    /--step-size only applies to --schedule step/);
});

test('--preset strong with --gamma: the default step schedule cutting by that factor; with --schedule cosine, one line', () => {
  const out = join(root, 'gamma');
  const r = rnnlab(['train', ...small, '--preset', 'strong', '--gamma', '0.5', '--epochs', '3', '--max-len', '12', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const config = readRunConfig(out);
  assert.deepEqual(config.train.schedule, { kind: 'step', options: { stepSize: 1, gamma: 0.5 } });
  assert.equal(config.train.bidirectional, true, 'the rest of the preset applies');
  assert.doesNotMatch(r.stdout, /^preset strong: .*--schedule/m);
  oneLineError(rnnlab(['train', ...small, '--preset', 'strong', '--schedule', 'cosine', '--gamma', '0.5', '--out', join(root, 'cos-gamma')]),
    /--gamma only applies to --schedule step or plateau \(this run uses cosine\)/);
});

test('a small training set on the default recipe gets --preset small (said in one line); not with --epochs, a preset or --resume', () => {
  const said = new RegExp(`^\\d+ training examples \\(under ${SMALL_SET.toLocaleString('en-US')}\\): preset small applied: --bidirectional .*--epochs 30`, 'm');
  const out = join(root, 'auto-small');
  const args = ['train', ...small, '--max-len', '12', '--out', out];
  const auto = rnnlab(args);
  assert.equal(auto.code, 0, auto.stderr);
  assert.match(auto.stdout, said);
  const config = readRunConfig(out);
  for (const [key, value] of Object.entries(TRAIN_PRESETS.small.options)) assert.deepEqual(recorded(config, key), value, key);
  assert.equal(config.train.hidden, 5, 'a flag given on the command line wins');
  // the same command again is the same run (not "a different run"); --resume takes the recorded settings as they are
  oneLineError(rnnlab(args), /already holds this run; pass --resume/);
  const resumed = rnnlab(['train', '--out', out, '--resume']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.doesNotMatch(resumed.stdout, said);
  assert.match(resumed.stdout, /already holds this finished run/);
  const chosen = rnnlab(['train', ...small, '--max-len', '12', '--epochs', '1', '--out', join(root, 'not-auto')]);
  assert.equal(chosen.code, 0, chosen.stderr);
  assert.doesNotMatch(chosen.stdout, said, 'a user who chose the epochs has made the call');
  assert.equal(readRunConfig(join(root, 'not-auto')).train.bidirectional, false);
});
