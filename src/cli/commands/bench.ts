/**
 * `rnnlab bench`: times full training steps of one configuration (see src/bench/step.ts).
 * `rnnlab bench-suite` (`npm run bench`): the fixed workloads W1/W2 × lstm/gru/rnn, each in a fresh process, against
 * PyTorch when available (see src/bench/suite.ts).
 */
import type { Command } from 'commander';
import { UserError } from '../../util/errors.ts';
import { writeJsonAtomic, writeFileAtomic } from '../../util/fs.ts';
import { runBench, stepGemmFlops } from '../../bench/step.ts';
import {
  ARCHS, WORKLOADS, formatMarkdown, runRnnlab, runTorchBest, torchVersion, type SuiteReport, type SuiteRow,
} from '../../bench/suite.ts';
import { packedLengths, readPackedLengths } from '../../bench/packed.ts';
import { cacheDir } from '../../data/download.ts';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemInfo, blasLine } from '../../bench/system.ts';
import { setBlasThreads } from '../../nn/blas.ts';
import { checkThreadsOrDataParallel } from '../../train/config.ts';
import type { Arch } from '../../nn/model.ts';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../optim/index.ts';

function int(raw: string, what: string, min = 1): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new UserError(`${what} must be an integer ≥ ${min}, got '${raw}'`);
  return n;
}

function optimizer(raw: string): OptimizerName {
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(raw)) {
    throw new UserError(`unknown --optimizer '${raw}'; use one of ${OPTIMIZER_NAMES.join(', ')}`);
  }
  return raw as OptimizerName;
}

function arch(raw: string): Arch {
  if (!(ARCHS as readonly string[]).includes(raw)) {
    throw new UserError(`unknown --arch '${raw}'; use one of ${ARCHS.join(', ')}`);
  }
  return raw as Arch;
}

interface BenchOptions {
  arch: string; optimizer: string; batchSize: string; maxLen: string; embed: string; hidden: string; layers: string;
  steps: string; warmup: string; threads?: string; dataParallel?: string; recompute?: boolean; json?: boolean; profile?: boolean; lengthsFile?: string;
}

interface SuiteOptions {
  workloads: string; archs: string; steps?: string; warmup?: string; threads: string; dataParallel?: string; recompute?: boolean; quick?: boolean;
  torch: boolean; python: string; out?: string; md?: string; imdb?: string;
}

/** R1's length source: --imdb, else RNNLAB_IMDB, else the download cache; null → synthetic lengths. */
function imdbArchive(given: string | undefined): string | undefined {
  if (given !== undefined) {
    if (!existsSync(given)) throw new UserError(`--imdb ${given} does not exist; give the IMDB .tar.gz or leave it out`);
    return given;
  }
  for (const p of [process.env.RNNLAB_IMDB, join(cacheDir(), 'aclImdb_v1.tar.gz')]) {
    if (p && p.endsWith('.tar.gz') && existsSync(p)) return p;
  }
  return undefined;
}

export function register(program: Command): void {
  program
    .command('bench')
    .description('time full training steps (forward + backward + optimizer update) on random tokens')
    .option('--arch <arch>', 'lstm | gru | rnn', 'lstm')
    .option('--optimizer <name>', `the update that ends each step, default settings: ${OPTIMIZER_NAMES.join(', ')}`, 'adam')
    .option('--batch-size <n>', 'sequences per batch', '64')
    .option('--max-len <n>', 'sequence length (every sequence is full length)', '200')
    .option('--embed <n>', 'embedding size', '128')
    .option('--hidden <n>', 'hidden size', '128')
    .option('--layers <n>', 'stacked layers', '1')
    .option('--steps <n>', 'timed steps', '10')
    .option('--warmup <n>', 'untimed steps first', '2')
    .option('--threads <n>', 'BLAS threads (default: RNNLAB_BLAS_THREADS, else the library default)')
    .option('--json', 'print one JSON object')
    .option('--data-parallel <n>', 'split each step over n threads of one BLAS thread each, as `rnnlab train --data-parallel` (default: 1)')
    .option('--recompute', 'keep only the layers\' outputs and recompute the rest in backward, as `rnnlab train --recompute`')
    .option('--profile', 'also report time per phase and inside sgemm, by GEMM shape')
    .option('--lengths-file <file>', 'packed variable-length batches: JSON {"batches": [[lengths…], …]} (bench-suite R1)')
    .addHelpText('after', `
Examples:
  $ rnnlab bench                                          W1: LSTM, batch 64 × 200 tokens, embed/hidden 128
  $ rnnlab bench --arch rnn --optimizer adadelta --batch-size 32 --profile   one optimizer's update, timed per phase
  $ rnnlab bench --arch gru --batch-size 1000 --hidden 8 --embed 64 --layers 25 --steps 3 --profile
  $ RNNLAB_BLAS=typescript rnnlab bench --json            the built-in GEMM instead of the BLAS
  $ RNNLAB_DENORMALS=keep rnnlab bench                    keep subnormal floats (to measure what flushing saves)
`)
    .action((o: BenchOptions) => {
      const cfg = {
        arch: arch(o.arch), optimizer: optimizer(o.optimizer), batchSize: int(o.batchSize, '--batch-size'), maxLen: int(o.maxLen, '--max-len'),
        embed: int(o.embed, '--embed'), hidden: int(o.hidden, '--hidden'), layers: int(o.layers, '--layers'),
        steps: int(o.steps, '--steps'), warmup: int(o.warmup, '--warmup', 0),
        threads: o.threads === undefined ? undefined : int(o.threads, '--threads'),
        dataParallel: o.dataParallel === undefined ? 1 : int(o.dataParallel, '--data-parallel'),
        recompute: o.recompute === true,
        profile: o.profile === true,
        ...(o.lengthsFile ? { lengths: readPackedLengths(o.lengthsFile).batches } : {}),
      };
      checkThreadsOrDataParallel(cfg.threads, cfg.dataParallel);
      if (cfg.threads !== undefined) setBlasThreads(cfg.threads);
      if (!o.json) {
        process.stderr.write(`bench ${cfg.arch} + ${cfg.optimizer} B${cfg.batchSize} T${cfg.maxLen} E${cfg.embed} H${cfg.hidden} ` +
          `L${cfg.layers}${cfg.dataParallel > 1 ? `, ${cfg.dataParallel} shards` : ''}${cfg.recompute ? ', recompute' : ''}: ${cfg.warmup} warm-up + ${cfg.steps} timed steps, ` +
          `${(stepGemmFlops(cfg) / 1e9).toFixed(2)} GEMM GFLOP/step\n`);
      }
      const r = runBench(cfg, o.json ? undefined : (done, total) => process.stderr.write(`\r  step ${done}/${total}`));
      if (o.json) {
        process.stdout.write(JSON.stringify(r) + '\n');
        return;
      }
      process.stderr.write('\n');
      process.stdout.write([
        `median ${r.msPerStep.toFixed(1)} ms/step (min ${r.msPerStepMin.toFixed(1)}, mean ${r.msPerStepMean.toFixed(1)})`,
        `GEMM   ${r.gflops.toFixed(2)} GFLOP/s (${r.gflopPerStep.toFixed(2)} GFLOP/step)`,
        `tokens ${r.tokensPerSec.toFixed(0)} real tokens/s`,
        `RSS    ${r.peakRssMb.toFixed(0)} MB peak`,
        `floats ${r.denormals}`,
        `BLAS   ${blasLine(r.blas)}`,
        r.dataParallel > 1
          ? `phases (median ms): ${r.dataParallel} shards' zeroGrad + forward + loss + backward + gradient sum ` +
            `${r.phases.forward.toFixed(1)}, optimizer ${r.phases.optimizer.toFixed(1)}`
          : `phases (median ms): zeroGrad ${r.phases.zeroGrad.toFixed(1)}, forward ${r.phases.forward.toFixed(1)}, ` +
            `loss ${r.phases.loss.toFixed(2)}, backward ${r.phases.backward.toFixed(1)}, ` +
            `optimizer ${r.phases.optimizer.toFixed(1)}`,
      ].join('\n') + '\n');
      if (r.gemm) {
        const g = r.gemm;
        process.stdout.write(`sgemm  ${g.msPerStep.toFixed(1)} ms/step (${(100 * g.msPerStep / r.msPerStepMean).toFixed(0)}% ` +
          `of the mean step); by shape, per step:\n`);
        for (const s of g.shapes.slice(0, 12)) {
          process.stdout.write(`  ${s.shape.padEnd(22)} ${String(Math.round(s.calls)).padStart(6)} calls ` +
            `${s.ms.toFixed(1).padStart(8)} ms ${(s.flops / s.ms / 1e6).toFixed(1).padStart(7)} GFLOP/s\n`);
        }
      }
    });

  program
    .command('bench-suite')
    .description('benchmark workloads W1/W2/R1 for lstm, gru, rnn (fresh process each) against PyTorch at its best if available')
    .option('--workloads <list>', `comma-separated subset of ${WORKLOADS.map((w) => w.id).join(',')}`,
      WORKLOADS.map((w) => w.id).join(','))
    .option('--archs <list>', 'comma-separated subset of lstm,gru,rnn', ARCHS.join(','))
    .option('--steps <n>', 'timed steps for every workload (default: 10 for W1, 3 for W2, 30 for R1)')
    .option('--warmup <n>', 'warm-up steps for every workload (default: 2 for W1, 1 for W2, 3 for R1)')
    .option('--quick', 'a fast smoke run: 1 warm-up step, then 3 timed steps (W1), 1 (W2) or 6 (R1)')
    .option('--imdb <archive>', "R1's lengths from this IMDB .tar.gz (default: RNNLAB_IMDB or the download cache; else synthetic lengths)")
    .option('--threads <n>', 'threads for both rnnlab (BLAS) and PyTorch', '2')
    .option('--data-parallel <n>', "rnnlab's steps split over n threads of one BLAS thread each instead of --threads BLAS threads (default: 1)")
    .option('--recompute', "rnnlab recomputes the layers' activations in backward instead of keeping them (less memory, more time)")
    .option('--no-torch', 'skip the PyTorch baseline')
    .option('--python <path>', 'Python interpreter with torch for the baseline', '/usr/bin/python3')
    .option('--out <file>', 'also write the results as JSON to this file')
    .option('--md <file>', 'also write the markdown table to this file')
    .addHelpText('after', `
Examples:
  $ rnnlab bench-suite --quick                            every workload and cell, against PyTorch if present
  $ rnnlab bench-suite --workloads W1 --archs lstm --no-torch --out bench.json
`)
    .action(async (o: SuiteOptions) => {
      const ids = o.workloads.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
      const workloads = ids.map((id) => {
        const w = WORKLOADS.find((x) => x.id === id);
        if (!w) throw new UserError(`unknown workload '${id}'; use ${WORKLOADS.map((x) => x.id).join(', ')}`);
        return w;
      });
      const archs = o.archs.split(',').map((s) => arch(s.trim()));
      const threads = int(o.threads, '--threads');
      const dataParallel = o.dataParallel === undefined ? 1 : int(o.dataParallel, '--data-parallel');
      const recompute = o.recompute === true;
      const stepsOverride = o.steps !== undefined ? int(o.steps, '--steps') : undefined;
      const warmupOverride = o.warmup !== undefined ? int(o.warmup, '--warmup', 0) : undefined;
      setBlasThreads(threads); // so the BLAS line in the report shows what the children use
      const tv = o.torch ? torchVersion(o.python) : null;
      if (o.torch && !tv) process.stderr.write(`bench-suite: ${o.python} cannot import torch; no PyTorch baseline\n`);
      const rows: SuiteRow[] = [];
      const tmp = mkdtempSync(join(tmpdir(), 'rnnlab-bench-'));
      let packedSource: string | undefined;
      try {
        for (const w of workloads) {
          const steps = stepsOverride ?? (o.quick ? w.quickSteps : w.steps);
          const warmup = warmupOverride ?? (o.quick ? w.quickWarmup : w.warmup);
          let lengthsFile: string | undefined;
          if (w.packed) {
            const lens = await packedLengths({ archive: imdbArchive(o.imdb), count: warmup + steps });
            packedSource = lens.source;
            lengthsFile = join(tmp, `${w.id}-lengths.json`);
            writeFileSync(lengthsFile, JSON.stringify(lens));
          }
          for (const a of archs) {
            const config = {
              batchSize: w.batchSize, maxLen: w.maxLen, embed: w.embed, hidden: w.hidden, layers: w.layers, steps, warmup,
            };
            process.stderr.write(`${w.id} ${a}: rnnlab…`);
            const row: SuiteRow = { workload: w.id, arch: a, config, rnnlab: { error: 'not run' }, torch: null };
            try {
              row.rnnlab = await runRnnlab(w, a, steps, warmup, threads, lengthsFile, { dataParallel, recompute });
              process.stderr.write(` ${row.rnnlab.msPerStep.toFixed(1)} ms/step`);
            } catch (e) {
              row.rnnlab = { error: (e as Error).message };
              process.stderr.write(' error');
            }
            if (tv) {
              process.stderr.write(', PyTorch…');
              Object.assign(row, await runTorchBest(o.python, w, a, steps, warmup, threads, lengthsFile, (v) => {
                const label = `${v.flush ? '' : 'no flush, '}OPENBLAS_NUM_THREADS=${v.openblasThreads ?? 'unset'}`;
                process.stderr.write(` [${label}] ${'error' in v.result ? 'error' : `${v.result.msPerStep.toFixed(1)} ms/step`}`);
              }));
            }
            process.stderr.write('\n');
            rows.push(row);
          }
        }
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
      const report: SuiteReport = {
        date: new Date().toISOString(), system: systemInfo(), torchVersion: tv, threads, rows,
        ...(dataParallel > 1 ? { dataParallel } : {}),
        ...(recompute ? { recompute: true as const } : {}),
        ...(packedSource ? { packedSource } : {}),
      };
      const md = formatMarkdown(report);
      process.stdout.write(md);
      if (o.out) writeJsonAtomic(o.out, report);
      if (o.md) writeFileAtomic(o.md, md);
    });
}
