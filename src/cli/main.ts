/**
 * rnnlab's command-line entry point. Each sub-command lives in src/cli/commands/<name>.ts and exports
 * `register(program)`. Errors: a UserError (bad input, missing file, …) and commander's own usage errors (unknown
 * option, missing required option, bad argument count) print one line `rnnlab: <message>` and exit 2; anything else
 * is a bug and prints its stack.
 */
import { Command, CommanderError } from 'commander';
import { isUserError } from '../util/errors.ts';
import { VERSION } from '../version.ts';
import { configureHelp, ENVIRONMENT, TOP_EXAMPLES } from './help.ts';

/**
 * Sub-commands in help order, each loaded on demand: `rnnlab predict …` then does not pay for loading vega, the tar
 * reader, … of the other commands (start-up fell from ~2 s to well under 1 s of CPU).
 */
const COMMANDS: Record<string, () => Promise<{ register(program: Command): void }>> = {
  experiment: () => import('./commands/experiment.ts'),
  train: () => import('./commands/train.ts'),
  worker: () => import('./commands/worker.ts'),
  evaluate: () => import('./commands/evaluate.ts'),
  predict: () => import('./commands/predict.ts'),
  data: () => import('./commands/data.ts'),
  baseline: () => import('./commands/baseline.ts'),
  report: () => import('./commands/report.ts'),
  compare: () => import('./commands/compare.ts'),
  bench: () => import('./commands/bench.ts'),
  'bench-suite': () => import('./commands/bench.ts'),
  info: () => import('./commands/info.ts'),
};

/** The program with the sub-command named in argv (or, for help and unknown names, all of them) registered. */
export async function buildProgram(argv: string[]): Promise<Command> {
  const program = new Command();
  program
    .name('rnnlab')
    .description('Train and compare recurrent text classifiers (RNN, GRU, LSTM) on IMDB or any labelled text set.')
    .version(VERSION)
    .addHelpText('after', TOP_EXAMPLES + ENVIRONMENT)
    // Set before the sub-commands are registered: commander copies both settings into each sub-command it creates.
    // Usage errors are thrown (not process.exit) and printed by main() as one `rnnlab: …` line.
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  configureHelp(program); // before the commands are added: they inherit it
  const name = argv[2];
  const loaders = name !== undefined && Object.hasOwn(COMMANDS, name)
    ? [COMMANDS[name]!]
    : [...new Set(Object.values(COMMANDS))];
  const seen = new Set<unknown>();
  for (const load of loaders) {
    const mod = await load();
    if (seen.has(mod)) continue; // bench.ts registers both bench and bench-suite
    seen.add(mod);
    mod.register(program);
  }
  return program;
}

/** Commander "errors" that are not errors: help or the version was asked for (and printed). */
const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/**
 * A reader that closes the pipe early (`rnnlab train --help | head`) makes the next write to stdout fail with EPIPE,
 * which Node raises as an unhandled 'error' event with a stack trace. A Unix tool stops quietly there instead.
 */
function quietOnClosedStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

export async function main(argv: string[]): Promise<void> {
  quietOnClosedStdout();
  try {
    const program = await buildProgram(argv); // loading a command can already fail on bad environment variables
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (HELP_CODES.has(e.code)) {
        process.exitCode = e.exitCode; // help or version, already printed
        return;
      }
      const sub = argv[2] !== undefined && Object.hasOwn(COMMANDS, argv[2]) ? ` ${argv[2]}` : '';
      const msg = e.message.replace(/^error: /, '').split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
      process.stderr.write(`rnnlab: ${msg}; see rnnlab${sub} --help\n`);
      process.exitCode = 2;
      return;
    }
    if (isUserError(e)) {
      process.stderr.write(`rnnlab: ${e.message}\n`);
      process.exitCode = e.exitCode;
      return;
    }
    throw e;
  }
}

await main(process.argv);
