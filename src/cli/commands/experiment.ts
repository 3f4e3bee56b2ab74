/**
 * `rnnlab experiment`: trains the grid archs × optimizers (each cell a normal run folder) into one experiment
 * folder, resumably and optionally in parallel, then writes results.json and the report. The work is
 * src/experiment/run.ts; this file maps flags, merges preset / config / flags (src/experiment/plan.ts) and prints
 * where things are.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { addTrainOptions, parseTrainCli, TRAIN_FLAGS } from '../options/train.ts';
import { applyTrainPreset, presetFlags, TRAIN_PRESET_NAMES } from '../../train/presets.ts';
import { OPTIMIZER_NAMES } from '../../optim/index.ts';
import { ARCHS } from '../../train/options.ts';
import { readResults, type Results } from '../../report/results.ts';
import { archLabel, optimizerLabel, formatLr } from '../../report/select.ts';
import { UserError } from '../../util/errors.ts';
import { checkOutDir } from '../../util/paths.ts';
import { HOMEWORK_ARCHS, HOMEWORK_LR, HOMEWORK_OPTIMIZERS, HOMEWORK_TRAIN, homeworkNotes, homeworkPreset } from '../../experiment/homework.ts';
import { readExperimentConfig, type ExperimentConfig } from '../../experiment/overrides.ts';
import { NOT_PER_CELL, parseList, planGrid } from '../../experiment/plan.ts';
import { LR_SEARCH_MODES, studyFor } from '../../experiment/search/study.ts';
import { parseStudyFlags, studyOutcomeLines } from '../options/study.ts';
import { runExperiment } from '../../experiment/run.ts';

const DEFAULT_ARCHS = 'rnn,gru,lstm';
const DEFAULT_OPTIMIZERS = 'sgd,nag,adadelta,adam';
const PRESETS = ['homework', ...TRAIN_PRESET_NAMES];

const HELP = `
Grid and output:
  Each cell ARCH × OPTIMIZER trains into DIR/ARCH-OPTIMIZER/ (a normal run folder, as rnnlab train writes), with
  each optimizer's own default learning rate unless --lr, --config or a preset says otherwise. Every training
  option above applies to all cells; --arch / --optimizer narrow the grid to one value. All cells train on the
  same data splits (same --seed). At the end, and after every finished cell, DIR gets results.json (best runs
  chosen by validation accuracy), summary.md, loss/accuracy/best charts (.svg + .png) and report.html.

Resuming:
  Kill it at any moment (Ctrl-C, kill -9, power cut) and run the same command with the same --out again:
  finished cells are kept, a half-done cell continues from its last completed epoch, and the results equal an
  uninterrupted run's. DIR/experiment.json records the settings; rerunning with different settings is an error
  unless --force, which redoes only the cells whose settings changed.

--config FILE (JSON):
  {
    "all":        { "epochs": 10, "hidden": 64 },            every cell
    "archs":      { "lstm": { "hidden": 32 } },              cells of one architecture
    "optimizers": { "sgd": { "lr": 0.5, "momentum": 0.9 } },   cells of one optimizer
    "cells":      { "lstm/sgd": { "lr": 1.0 } },             one cell ("lstm/sgd" or "lstm-sgd")
    "comment":    "ignored"
  }
  Keys are the training options' names, camelCase or as flags ("batchSize", "batch-size"); values are checked
  like the flags. Not per cell: the data options, --seed, --threads, --arch, --optimizer.
  Precedence, lowest first: defaults < --preset < "all" < command-line flags < "archs" < "optimizers" < "cells".
  Optimizer settings (--momentum, --weight-decay) given for many optimizers at once only reach the optimizers
  that use them.

--lr-search halving (the default), --seeds N (a fair comparison):
  Every cell gets its own learning rate, chosen on validation data: a log-spaced grid in steps of x3.16 around the
  optimizer's scale (sgd 0.01-3.16, nag 0.00316-1, adadelta 0.0316-3.16, adam/adamw 1e-4-0.01, rmsprop
  1e-4-0.0316, plus the optimizer's default rate), searched by successive halving: every rate trains
  ceil(E/9) epochs, the best third of them ceil(E/3), the best third of those all E, stopping once one is left. A
  best rate on the grid's edge grows the grid (up to 2 steps per side). Diverged runs and runs at chance are failed
  rates (if no rate of a rung got above chance, the best third of them still go on to the longer budget). Search trials never read the test split; they live in DIR/search/. The chosen rate then trains N times
  (model seeds --seed, --seed+1, ...; the data split stays the one of --data-seed, default --seed), into DIR/ARCH-OPT/ and
  DIR/ARCH-OPT-seedS/; the first of them continues the chosen rate's search trial (same seed: the same first epochs,
  which are not trained again; the test split is evaluated on their weights then). results.json and the report give per cell the search, mean, std, min and max over seeds,
  and a ranking by mean validation accuracy with the cells not distinguishable from the leader (one-sided Welch
  t-test on test accuracy, Holm-corrected, alpha 0.05; with one seed nothing can be told apart). A config file's
  "lrGrid": { "sgd": [0.1, 1], "rnn/sgd": [0.01, 0.1] } replaces the starting grid of an optimizer or a cell.
  --race-to M (racing): once every cell has its N runs, the leader and the cells still tied with it get one more
  seed at a time, until none is tied or each has M runs; seeds go where they decide something.
  Rerunning a folder with a larger --seeds or --race-to (nothing else changed) keeps its search and finished runs
  and trains only the missing seeds.
  --lr-search off --seeds 1 is the plain grid above (each optimizer's default rate for every cell), and the default
  with --preset, whose recipe fixes the rates.

--preset homework:
  Replays the original homework with correct labels: embed 64, hidden 8, 25 layers, PyTorch's initialisation,
  max length 200 (the first 200 tokens), batch 1000,
  Adam with lr 1e-7 (RNN), 1e-9 (GRU), 1e-10 (LSTM) at a constant rate, 5 epochs. Its report states what happens, next to what a
  default-settings experiment on the same data reached when you pass that folder with --compare DIR.

--preset strong:
  The training recipe of \`rnnlab train --preset strong\` (see its --help) for every cell alike; flags, a config
  file's "all", "archs", "optimizers" and "cells" still override it.

Parallel:
  --workers N trains N cells at once in child processes, each with max(1, floor(cores / N)) BLAS threads
  (or --threads). Each process reads and tokenizes the data once.

More than one machine:
  --queue redis://:PASSWORD@HOST:6379 puts the same jobs on a Redis queue (named after this experiment) instead;
  \`rnnlab worker --queue URL\` on any machine with the data set trains them and sends epochs, checkpoints and
  the run folders back through Redis (no shared file system). Ctrl-C here detaches: the workers keep training;
  the same command again reattaches and collects. See README "More than one machine".

Examples:
  $ rnnlab experiment --limit 2000 --epochs 1 --out runs/smoke           quick look at the whole grid
  $ rnnlab experiment --out runs/full --workers 2                        the full grid, two cells at a time
  $ rnnlab experiment --archs lstm --optimizers adam,sgd --config lr.json --out runs/lr
  $ rnnlab experiment --preset homework --compare runs/full --out runs/homework
  $ rnnlab experiment --lr-search halving --seeds 5 --workers 2 --out runs/fair   the fair comparison
`;

function timestamp(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`;
}

function readCompare(path: string): { dir: string; results: Results } {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'results.json') : path;
  return { dir: path, results: readResults(file) };
}

export function register(program: Command): void {
  const cmd = program
    .command('experiment')
    .description('train and compare the grid of architectures × optimizers (resumable, parallel) and write a report')
    .option('--archs <list>', `architectures, comma-separated: ${ARCHS.join(', ')}`, DEFAULT_ARCHS)
    .option('--optimizers <list>', `optimizers, comma-separated: ${OPTIMIZER_NAMES.join(', ')}`, DEFAULT_OPTIMIZERS)
    .option('--out <dir>', 'experiment folder (default: a new runs/experiment-<timestamp>); give the same one to resume')
    .option('--config <file>', 'JSON file with settings for all / some cells (format below)')
    .option('--preset <name>', `a predefined experiment: ${PRESETS.join(', ')}`)
    .option('--compare <dir>', 'with --preset homework: a default-settings experiment folder (or its results.json) to compare with')
    .option('--workers <n>', 'cells trained at once, each in its own process', '1')
    .option('--no-baseline', 'skip the NBSVM uni+bigram baseline (computed once per folder, seconds on IMDB; see rnnlab baseline)')
    .option('--lr-search <mode>', `learning rate per cell: ${LR_SEARCH_MODES.join(' | ')} (see below) (default: halving; off with --preset)`)
    .option('--seeds <n>', 'final runs per cell, with model seeds --seed, --seed+1, … (same data split)', '1')
    .option('--race-to <n>', 'racing: then one more seed at a time for the leader and the cells tied with it, up to n')
    .option('--queue <url>', 'train on a Redis job queue served by `rnnlab worker` processes: redis://[:password@]host:port[/db] (rediss:// for TLS)')
    .option('--force', 'reuse --out even though its settings differ: cells whose settings changed start over');
  addTrainOptions(cmd);
  // the shared flags describe `rnnlab train`; here they narrow the grid instead
  for (const o of cmd.options) {
    if (o.long === '--arch') o.description = 'train only this architecture (same as --archs with one name)';
    if (o.long === '--optimizer') o.description = 'train only this optimizer (same as --optimizers with one name)';
  }
  cmd.addHelpText('after', HELP);
  cmd.action(async (raw: Record<string, unknown>) => {
    const source = (key: string) => cmd.getOptionValueSource(key);
    const given = (key: string) => source(key) === 'cli' || source(key) === 'env';

    // ---- preset ----
    let preset: ReturnType<typeof homeworkPreset> & { name: string } | null = null;
    /** A training recipe (`train --preset`, e.g. strong): its training settings are the preset layer of every cell. */
    let recipe: { name: string; config: ExperimentConfig } | null = null;
    if (raw.preset !== undefined) {
      const name = String(raw.preset).toLowerCase();
      if (name === 'homework') {
        preset = { name, ...homeworkPreset() };
        for (const [key, value] of Object.entries(preset.data)) if (!given(key)) raw[key] = String(value);
      } else if ((TRAIN_PRESET_NAMES as string[]).includes(name)) {
        const filled: Record<string, unknown> = {};
        const table = applyTrainPreset(name, filled, () => false);
        const all: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(filled)) {
          if (key in TRAIN_FLAGS) all[key] = value; // the preset layer of the plan: below "all", flags, "cells"
          else if (!given(key)) raw[key] = value; // a data option (--max-len): shared by the whole grid
        }
        recipe = { name, config: { all } as ExperimentConfig };
        process.stdout.write(`preset ${name}: ${presetFlags(table)} for every cell (a config file or flags override it)\n`);
      } else {
        throw new UserError(`unknown --preset '${raw.preset}'; use ${PRESETS.join(', ')}`);
      }
    }
    if (raw.compare !== undefined && !preset) throw new UserError('--compare only goes with --preset homework');

    // ---- grid ----
    const pick = (single: string, list: string, fallback: string, known: readonly string[]): string[] => {
      if (raw[single] !== undefined) {
        if (given(list)) throw new UserError(`give either --${single} or --${list}, not both`);
        return parseList(String(raw[single]), known, `--${single}`);
      }
      return parseList(given(list) ? String(raw[list]) : fallback, known, `--${list}`);
    };
    const archs = pick('arch', 'archs', preset ? HOMEWORK_ARCHS.join(',') : DEFAULT_ARCHS, ARCHS);
    const optimizers = pick('optimizer', 'optimizers', preset ? HOMEWORK_OPTIMIZERS.join(',') : DEFAULT_OPTIMIZERS,
      OPTIMIZER_NAMES);

    const workers = Number(raw.workers);
    if (!Number.isInteger(workers) || workers < 1) {
      throw new UserError(`--workers must be a whole number ≥ 1 (got ${JSON.stringify(raw.workers)})`);
    }

    // ---- data (shared) and per-cell training options ----
    if (given('dataParallel')) {
      throw new UserError('--data-parallel is for rnnlab train; an experiment uses the cores with --workers (cells side by side)');
    }
    const { train: base, data } = parseTrainCli(raw);
    if (!(data.load.valSplit! > 0) && data.load.val === undefined) {
      throw new UserError('--val-split must be > 0 (or give --val) for an experiment: the best runs are chosen by validation accuracy');
    }
    const cliTrain: Record<string, unknown> = {};
    for (const key of Object.keys(TRAIN_FLAGS)) {
      if (!NOT_PER_CELL.has(key) && raw[key] !== undefined && given(key)) cliTrain[key] = raw[key];
    }
    if (cliTrain.embeddings !== undefined && cliTrain.embed === undefined) cliTrain.embed = String(base.embed); // the file's
    const config: { source: string; config: ExperimentConfig } | null = raw.config !== undefined
      ? { source: `config file ${raw.config}`, config: readExperimentConfig(String(raw.config)) }
      : null;
    const { cells, settings } = planGrid({
      archs, optimizers, cliTrain, seed: base.seed, threads: base.threads, recompute: base.recompute,
      preset: preset ? { name: preset.name, config: preset.config } : recipe, config, data: data as unknown as Record<string, unknown>,
    });
    const { lrSearch, seeds, raceTo } = parseStudyFlags(raw, { homework: preset !== null, recipe: recipe !== null });
    const study = studyFor(cells, lrSearch, seeds, raceTo, config);
    if (study) settings.study = study;

    const outGiven = raw.out !== undefined;
    const out = outGiven ? String(raw.out) : join('runs', `${preset ? preset.name : 'experiment'}-${timestamp()}`);
    checkOutDir(out); // a file, a path through a file, no permission, /proc …: one line before any data is read
    if (!outGiven) process.stdout.write(`output folder: ${out} (to resume after an interruption, rerun with --out ${out})\n`);
    const compare = raw.compare !== undefined ? readCompare(String(raw.compare)) : null;

    const dataset = data.load.dataset === 'imdb' ? 'IMDB' : String(data.load.dataset);
    const title = preset
      ? 'Homework replay with correct labels (Adam, lr 1e-7 / 1e-9 / 1e-10, 25 layers of 8 units)'
      : `${archs.map(archLabel).join(', ')} × ${optimizers.map(optimizerLabel).join(', ')} on ${dataset}`;
    const notes = preset
      ? (results: Results) => homeworkNotes(results, compare, homeworkDeviations(settings.cells, data.load, data.prepare, archs, optimizers))
      : undefined;

    // --queue: the jobs go to a Redis queue served by `rnnlab worker` processes (loaded only then: no Redis client
    // is imported by a local run)
    const executor = raw.queue !== undefined
      ? (await import('../../experiment/queue/coordinator.ts')).queueExecutor({
        url: String(raw.queue), experimentDir: out, settings, data,
      })
      : undefined;

    const summary = await runExperiment({
      out, cells, settings, data, workers, force: raw.force === true, title, notes, handleSignals: true,
      baseline: raw.baseline !== false, executor,
    });

    // ---- what happened ----
    const r = summary.results;
    const failed = r.runs.filter((run) => run.status === 'failed');
    const diverged = r.runs.filter((run) => run.status === 'diverged');
    const best = (r.best as { overall?: { cell: string; valAccuracy: number; testAccuracy: number | null } | null })?.overall;
    // with several seeds the best single run is max-over-seeds (optimistic): the ranking's leader is printed instead
    if (best && (r.study?.seeds ?? 1) === 1) {
      process.stdout.write(`best by validation accuracy: ${best.cell} (val ${(100 * best.valAccuracy).toFixed(2)}%, test ` +
        `${best.testAccuracy === null ? 'n/a' : (100 * best.testAccuracy).toFixed(2) + '%'})\n`);
    }
    const nbsvm = r.baseline.nbsvm;
    if (nbsvm) process.stdout.write(`NBSVM baseline: test ${(100 * nbsvm.accuracy).toFixed(2)}%\n`);
    if (diverged.length) process.stdout.write(`diverged: ${diverged.map((x) => x.dir).join(', ')}\n`);
    for (const line of studyOutcomeLines(r)) process.stdout.write(line + '\n');
    process.stdout.write(`results: ${join(summary.dir, 'results.json')}; report: ${join(summary.dir, 'report.html')}\n`);
    if (summary.interrupted) {
      process.stderr.write(`rnnlab: interrupted; run the same command with --out ${out} to resume\n`);
      process.exitCode = 130;
    } else if (failed.length) {
      process.stderr.write(`rnnlab: ${failed.length} cell(s) failed: ${failed.map((x) => `${x.dir} (${x.reason})`).join('; ')}\n`);
      process.exitCode = 1;
    }
  });
}

/** Where a homework replay's settings differ from the homework's, in words (for the report's notes). */
function homeworkDeviations(cells: Record<string, { arch: string; optimizer: string; train: Record<string, unknown> }>,
  load: Record<string, unknown>, prepare: Record<string, unknown>, archs: string[], optimizers: string[]): string[] {
  const out: string[] = [];
  if (archs.join(',') !== HOMEWORK_ARCHS.join(',')) out.push(`architectures ${archs.join(', ')}`);
  if (optimizers.join(',') !== 'adam') out.push(`optimizers ${optimizers.join(', ')}`);
  for (const [key, want] of Object.entries(HOMEWORK_TRAIN)) {
    const values = [...new Set(Object.values(cells).map((c) => c.train[key]))];
    if (values.some((v) => v !== want)) out.push(`${TRAIN_FLAGS[key] ?? key} ${values.join('/')} instead of ${want}`);
  }
  for (const c of Object.values(cells)) {
    const want = HOMEWORK_LR[c.arch];
    if (want !== undefined && c.train.lr !== want) out.push(`${c.arch} lr ${formatLr(Number(c.train.lr))} instead of ${formatLr(want)}`);
  }
  if (prepare.maxLen !== 200) out.push(`--max-len ${prepare.maxLen} instead of 200`);
  if (load.limit !== undefined) out.push(`--limit ${load.limit} (a stratified subset of the data)`);
  if (load.dataset !== 'imdb' && !/imdb|acl/i.test(String(load.dataset))) out.push(`data set ${load.dataset} instead of IMDB`);
  return out;
}
