/**
 * rnnlab's command-line entry point. Each sub-command lives in src/cli/commands/<name>.ts and exports
 * `register(program)`. Errors: a UserError (bad input, missing file, …) prints one line `rnnlab: <message>` and exits
 * with its code; anything else is a bug and prints its stack.
 */
import { Command, CommanderError } from 'commander';
import { isUserError } from '../util/errors.ts';
import { register as registerInfo } from './commands/info.ts';
import { register as registerData } from './commands/data.ts';
import { register as registerTrain } from './commands/train.ts';
import { register as registerEvaluate } from './commands/evaluate.ts';
import { register as registerPredict } from './commands/predict.ts';
import { register as registerExperiment } from './commands/experiment.ts';
import { register as registerReport } from './commands/report.ts';
import { register as registerBench } from './commands/bench.ts';
import { VERSION } from '../version.ts';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('rnnlab')
    .description('Train and compare recurrent text classifiers (RNN, GRU, LSTM) on IMDB or any labelled text set.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)');
  for (const register of [
    registerExperiment, registerTrain, registerEvaluate, registerPredict, registerData, registerReport,
    registerBench, registerInfo,
  ]) register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed its message (help, version or a usage error)
      process.exitCode = e.exitCode;
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
