/**
 * Training one grid cell in the current process: the same code path whether the experiment runs cells in-process
 * (--workers 1) or in child processes (cell-worker.ts).
 *
 * The data set is loaded, checked and tokenized once per process (cached by its spec) and handed to the trainer,
 * so every cell of a process trains on the very same encoded splits. trainRun does the rest: a fresh cell starts,
 * a half-done one resumes from its last completed epoch, a finished one returns its recorded result.
 */
import { prepareDataset, trainRun, type PreparedDataset } from '../train/run.ts';
import { canonical, type DataSpec } from '../train/config.ts';
import { oneLine } from '../util/errors.ts';
import { parseTrainOptions } from '../train/options.ts';
import type { CellJob, CellOutcome } from './protocol.ts';
import { adoptTrial } from './search/adopt.ts';
import { dirname, relative } from 'node:path';

const datasets = new Map<string, Promise<PreparedDataset>>();

/** The prepared data set for `spec`, loaded at most once per process. */
export function datasetFor(spec: DataSpec): Promise<PreparedDataset> {
  const key = canonical(spec);
  let p = datasets.get(key);
  if (!p) {
    p = prepareDataset(spec);
    datasets.set(key, p);
    // a failed load must not stay cached (the next attempt should try again)
    p.catch(() => datasets.delete(key));
  }
  return p;
}

/** Drops the cached data sets (the parent does, before the workers take over). */
export function forgetDatasets(): void {
  datasets.clear();
}

/**
 * The data set with its test split replaced by a guard that throws on any access: what a search trial trains on, so
 * that reading the test split while choosing a learning rate is a loud bug, not a silent leak.
 */
export function withoutTestSplit(ds: PreparedDataset): PreparedDataset {
  const test = new Proxy({}, {
    get(_t, key) {
      throw new Error(`internal error: the test split was read (.${String(key)}) during a learning-rate search trial`);
    },
  }) as PreparedDataset['prepared']['test'];
  return { ...ds, prepared: { ...ds.prepared, test } };
}

export interface CellHooks {
  /** a stdout line, already prefixed "[cell] " */
  line(text: string): void;
  /** an epoch finished (0 = the evaluation before training) */
  epoch(epoch: number): void | Promise<void>;
  signal?: AbortSignal;
}


/** Trains (or resumes, or looks up) one cell; never throws: a failure is an outcome with a reason. */
export async function runCell(job: CellJob, hooks: CellHooks): Promise<CellOutcome> {
  try {
    const loaded = job.localData
      ? { ...await datasetFor(job.localData), spec: job.data } // same contents (fingerprint), recorded as the job's
      : await datasetFor(job.data);
    const heldBack = job.evaluateTest === false;
    const dataset = heldBack ? withoutTestSplit(loaded) : loaded;
    const train = parseTrainOptions(job.train);
    if (job.adoptFrom && !heldBack && adoptTrial(job.adoptFrom, job.runDir, dataset, train, job.data)) {
      hooks.line(`[${job.name}] continues its rate's search trial (${relative(dirname(job.runDir), job.adoptFrom)}): ` +
        'its epochs are not trained again, the test split is evaluated on their weights now');
    }
    const outcome = await trainRun(
      { dir: job.runDir, train, data: job.data },
      {
        dataset,
        progress: false,
        // data warnings are printed once by the experiment, not once per cell
        log: (text) => {
          if (!(text.startsWith('warning: ') && dataset.warnings.includes(text.slice('warning: '.length)))) hooks.line(`[${job.name}] ${text}`);
        },
        onEpoch: (record) => hooks.epoch(record.epoch),
        signal: hooks.signal,
        evaluateTest: !heldBack,
        snapshots: job.snapshots === true,
      },
    );
    const out: CellOutcome = { name: job.name, status: outcome.status };
    if (outcome.reason !== undefined) out.reason = outcome.reason;
    return out;
  } catch (e) {
    const reason = oneLine(e);
    hooks.line(`[${job.name}] failed: ${reason}`);
    if (!(e instanceof Error) || e.name !== 'UserError') {
      // not bad input but a bug: keep the stack for the bug report, on stderr
      process.stderr.write(`rnnlab: cell ${job.name} failed with an internal error:\n${(e as Error)?.stack ?? e}\n`);
    }
    return { name: job.name, status: 'failed', reason };
  }
}
