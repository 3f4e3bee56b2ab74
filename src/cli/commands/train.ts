/**
 * `rnnlab train`: trains one model into a run directory (see src/train/run-dir.ts for what it holds).
 * The work is src/train/run.ts's trainRun; this file only maps flags and prints the outcome.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { addTrainOptions, parseTrainCli, recordedOptions } from '../options/train.ts';
import { prepareDataset, SMALL_SET, trainRun, type PreparedDataset } from '../../train/run.ts';
import { UserError } from '../../util/errors.ts';
import { DIVERGENCE_HELP } from '../../train/divergence.ts';
import { readRunConfig, runFile } from '../../train/run-dir.ts';
import { resolveTrain } from '../../train/config.ts';
import { checkOutDir } from '../../util/paths.ts';
import { searchOneModel } from '../../experiment/search/single.ts';
import { LR_SEARCH_MODES } from '../../experiment/search/study.ts';
import { applyTrainPreset, presetFlags, TRAIN_PRESETS, TRAIN_PRESET_NAMES } from '../../train/presets.ts';

const EXAMPLES = `
Examples:
  $ rnnlab train --out runs/lstm                                  LSTM + Adam on IMDB, 5 epochs
  $ rnnlab train --arch gru --optimizer sgd --lr 0.5 --momentum 0.9 --clip 1 --out runs/gru-sgd
  $ rnnlab train --dataset reviews.csv --limit 2000 --epochs 3 --hidden 64 --out runs/quick
  $ rnnlab train --epochs 10 --patience 2 --schedule cosine --bidirectional --out runs/bilstm
  $ rnnlab train --out runs/lstm --resume                         continue an interrupted run (settings from its config.json)
  $ rnnlab train --out runs/lstm --resume --epochs 8              extend it to 8 epochs
  $ rnnlab train --dataset reviews.csv --val dev.csv --class-weights balanced --out runs/skewed
  $ rnnlab train --embeddings glove.6B.100d.txt.gz --freeze-embeddings --out runs/glove   GloVe vectors, kept fixed
  $ rnnlab train --arch rnn --optimizer sgd --lr-search halving --out runs/rnn-sgd
                                 choose the rate on validation data first (trials in runs/rnn-sgd.search/)

Environment variables (BLAS library and threads, IMDB location): see rnnlab --help.

--lr-search halving: the learning-rate search of rnnlab experiment (see its --help) for this one model: a
log-spaced grid around the optimizer's scale plus its default (or --lr), successive halving on validation accuracy,
the test split never read; the chosen rate then trains the run in --out. Rerun the same command to resume.
`;

export function register(program: Command): void {
  const cmd = program
    .command('train')
    .description('train a recurrent text classifier and save it (weights, vocabulary, config, history, metrics) to --out')
    .requiredOption('--out <dir>', 'run directory to create (or to continue with --resume)')
    .option('--resume', "continue the run in --out from its last completed epoch (or return it if finished), with the settings in its config.json; options given again must agree, except --epochs (extends it), --threads, --data-parallel and --recompute")
    .option('--no-baseline', 'skip the NBSVM uni+bigram baseline (computed before training, seconds on IMDB; see rnnlab baseline)')
    .option('--preset <name>', `a named recipe that fills every option not given: ${TRAIN_PRESET_NAMES.join(' | ')} (see below)`)
    .option('--lr-search <mode>', `choose the learning rate on validation data first: ${LR_SEARCH_MODES.join(' | ')}`, 'off');
  addTrainOptions(cmd);
  const presetHelp = '\nPresets (--preset NAME; a flag given on the command line wins):\n' + Object.entries(TRAIN_PRESETS)
    .map(([name, p]) => `  ${name}: ${p.summary}\n    = ${presetFlags(p)}\n`).join('');
  cmd.addHelpText('after', DIVERGENCE_HELP + EXAMPLES + presetHelp);
  cmd.action(async (raw: Record<string, unknown>) => {
    const dir = String(raw.out);
    checkOutDir(dir); // a bad --out is one line before anything is loaded
    if (raw.preset !== undefined) {
      // before --resume's recorded settings, which then replace whatever the preset filled
      const preset = applyTrainPreset(String(raw.preset), raw, (key) => cmd.getOptionValueSource(key) === 'cli');
      process.stdout.write(`preset ${String(raw.preset).toLowerCase()}: ${presetFlags(preset)} (besides the flags given on the command line)\n`);
    }
    if (raw.resume === true && existsSync(runFile(dir, 'config'))) {
      // --resume: the run's own settings, from its config.json; flags given again are checked against them by
      // trainRun, which lists every disagreement at once (--epochs may grow: that extends the run)
      const config = readRunConfig(dir);
      const recorded = recordedOptions(config);
      for (const [key, value] of Object.entries(recorded)) {
        if (cmd.getOptionValueSource(key) !== 'cli') raw[key] = value;
      }
      // --no-baseline too: a resumed run's metrics.json must be the uninterrupted run's (no NBSVM figure added).
      // (The thread count and --data-parallel: trainRun keeps the run's own unless one is given.)
      if (cmd.getOptionValueSource('baseline') !== 'cli' && config.noBaseline) raw.baseline = false;
    }
    let { train, data } = parseTrainCli(raw);
    // The default recipe was measured on 22,500 IMDB reviews; a small training split gets --preset small instead,
    // unless the user chose a recipe (--preset) or a budget (--epochs). The data set is loaded here to count it and
    // then handed to trainRun, so it is read once. Never on --resume: the run's recorded settings rule there.
    let dataset: PreparedDataset | undefined;
    if (raw.preset === undefined && raw.resume !== true && cmd.getOptionValueSource('epochs') !== 'cli') {
      resolveTrain(train); // a bad combination of settings is one line before any data is read (or downloaded)
      dataset = await prepareDataset(data, undefined, { baseline: raw.baseline !== false });
      const n = dataset.prepared.train.count;
      if (n < SMALL_SET) {
        const preset = applyTrainPreset('small', raw, (key) => cmd.getOptionValueSource(key) === 'cli');
        ({ train } = parseTrainCli(raw));
        process.stdout.write(`${n.toLocaleString('en-US')} training examples (under ${SMALL_SET.toLocaleString('en-US')}): ` +
          `preset small applied: ${presetFlags(preset)} (besides the flags given on the command line; give --epochs or --preset to choose otherwise)\n`);
      }
    }
    const mode = String(raw.lrSearch ?? 'off');
    if (!(LR_SEARCH_MODES as readonly string[]).includes(mode)) {
      throw new UserError(`--lr-search must be one of ${LR_SEARCH_MODES.join(', ')} (got ${JSON.stringify(raw.lrSearch)})`);
    }
    if (mode === 'halving') {
      if (!(data.load.valSplit! > 0)) throw new UserError('--lr-search needs a validation split; set --val-split > 0');
      const ac = new AbortController();
      const stop = (): void => ac.abort();
      process.once('SIGINT', stop);
      let found;
      try {
        found = await searchOneModel({ out: dir, train, data, log: (l) => process.stdout.write(l + '\n'), signal: ac.signal });
      } finally {
        process.removeListener('SIGINT', stop);
      }
      for (const e of found.state.entries) {
        process.stdout.write(`search: lr ${e.lr}, ${e.budget} epoch(s): ${e.score.status}` +
          (e.score.valAccuracy === null ? '' : `, val accuracy ${(100 * e.score.valAccuracy).toFixed(2)}%`) + '\n');
      }
      if (found.interrupted) {
        process.stderr.write('rnnlab: interrupted during the learning-rate search; run the same command again to resume\n');
        process.exitCode = 130;
        return;
      }
      if (found.state.chosen === null) {
        process.stderr.write(`rnnlab: ${found.state.note}; no rate to train with (trials in ${found.folder})\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`chosen learning rate ${found.state.chosen} (by validation accuracy; trials in ${found.folder})` +
        `${found.state.note ? `; ${found.state.note}` : ''}\n`);
      train = { ...train, lr: found.state.chosen };
    }
    // Ctrl-C / SIGTERM: stop at the next batch, leaving the run resumable with status 'interrupted' (a second Ctrl-C
    // kills at once). An evaluation in progress runs to its end, so that the epoch it scores is kept: said at once.
    const ac = new AbortController();
    let signal: NodeJS.Signals | null = null;
    const onSignal = (sig: NodeJS.Signals): void => {
      signal = sig;
      ac.abort();
      process.stderr.write(`rnnlab: ${sig}: stopping at the next batch, or after the evaluation in progress so that its ` +
        `epoch is kept; ${sig === 'SIGINT' ? 'Ctrl-C' : sig} again stops at once, losing only the epoch in progress\n`);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let outcome;
    try {
      outcome = await trainRun({ dir, train, data }, {
        resume: raw.resume === true, signal: ac.signal, baseline: raw.baseline !== false, dataset,
      });
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
    if (outcome.status === 'interrupted') {
      process.stderr.write(`rnnlab: interrupted after epoch ${outcome.epochsCompleted}; continue with rnnlab train --out ${dir} --resume\n`);
      process.exitCode = signal === 'SIGTERM' ? 143 : 130;
      return;
    }
    if (outcome.alreadyFinished) {
      const m = outcome.metrics;
      process.stdout.write(`${dir} already holds this finished run (${outcome.status}, ${outcome.epochsCompleted} epochs)` +
        (m ? `: test accuracy ${(100 * m.accuracy).toFixed(2)}% at epoch ${m.epoch}` : '') + '; nothing to do\n');
    }
    if (outcome.status === 'diverged') {
      // one line: the reason (where, last finite loss, what to change), then what is still usable
      const kept = outcome.bestEpoch === null ? 'no weights were saved' : `${dir}/model.safetensors keeps epoch ${outcome.bestEpoch}`;
      process.stderr.write(`rnnlab: ${outcome.reason} [run marked diverged; ${kept}]\n`);
      process.exitCode = 1;
      return;
    }
    if (!outcome.alreadyFinished) process.stdout.write(`saved to ${dir}\n`);
  });
}
