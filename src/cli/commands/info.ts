/**
 * `rnnlab info`: what rnnlab will compute with on this machine — the BLAS library and its threads, the GEMM speed
 * it actually delivers, Node version, CPU model and core count. The first thing to look at when training is slow.
 */
import type { Command } from 'commander';
import { systemInfo, blasLine } from '../../bench/system.ts';
import { measureSgemm } from '../../bench/gemm.ts';
import { setBlasThreads } from '../../nn/blas.ts';
import { VERSION } from '../../version.ts';
import { UserError } from '../../util/errors.ts';

interface InfoOptions {
  json?: boolean;
  size: string;
  reps: string;
  threads?: string;
}

function positiveInt(raw: string, what: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${what} must be a positive integer, got '${raw}'`);
  return n;
}

export function register(program: Command): void {
  program
    .command('info')
    .description('show the BLAS backend, its threads and measured sgemm GFLOP/s, Node version and CPU')
    .option('--json', 'print one JSON object instead of text')
    .option('--size <n>', 'matrix size of the timed square sgemm', '512')
    .option('--reps <n>', 'timed repetitions (the median is reported)', '5')
    .option('--threads <n>', 'BLAS threads to use (default: RNNLAB_BLAS_THREADS, else the library default)')
    .addHelpText('after', `
Examples:
  $ rnnlab info                                           BLAS library, threads, GFLOP/s, Node.js, CPU
  $ RNNLAB_BLAS=/opt/openblas/lib/libopenblas.so rnnlab info --threads 1 --json
`)
    .action((opts: InfoOptions) => {
      const size = positiveInt(opts.size, '--size');
      const reps = positiveInt(opts.reps, '--reps');
      if (opts.threads !== undefined) setBlasThreads(positiveInt(opts.threads, '--threads'));
      const sys = systemInfo();
      const gemm = measureSgemm(size, reps);
      if (opts.json) {
        process.stdout.write(JSON.stringify({ rnnlab: VERSION, ...sys, sgemm: gemm }) + '\n');
        return;
      }
      const lines = [
        `rnnlab ${VERSION}`,
        `node     ${sys.node} (${sys.platform})`,
        `cpu      ${sys.cpuModel}, ${sys.cores} cores`,
        `blas     ${blasLine(sys.blas)}`,
        ...(sys.denormals ? [`floats   ${sys.denormals}`] : []),
        `sgemm    ${gemm.gflops.toFixed(1)} GFLOP/s (${size}×${size}×${size}, median of ${reps}: ` +
          `${(gemm.seconds * 1e3).toFixed(2)} ms)`,
      ];
      if (sys.blas.backend === 'typescript') {
        lines.push('hint     install OpenBLAS (sudo apt-get install libopenblas0-pthread) or set RNNLAB_BLAS for ' +
          'much faster training');
      }
      process.stdout.write(lines.join('\n') + '\n');
    });
}
