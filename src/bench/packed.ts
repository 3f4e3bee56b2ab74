/**
 * The real workload of the benchmark suite ("R1"): training on packed, variable-length batches of 32 reviews, each
 * cut to its last 200 tokens — what `rnnlab train` does on IMDB by default, and not PyTorch's best case (W1 gives
 * it full-length, fixed-shape batches).
 *
 * The lengths come from IMDB's training reviews (torchtext basic_english tokens, capped at 200) when the archive is
 * at hand, else from a synthetic draw shaped like them: log-normal with e^μ = 219 tokens and σ = 0.641, the fit to
 * IMDB's 25 000 training reviews (measured 2026-11-29: median 202, mean of the capped lengths 170.2, 50.9 % at the
 * cap of 200; the synthetic pool: see test/bench/packed.test.ts). Batches are then formed as the trainer forms them:
 * shuffled, bucketed by length in chunks of 50 batches (src/data/batches.ts epochPlan), for epoch 1 of a fixed seed.
 * The token ids are random (they do not change the work). Both sides read the same lengths from one JSON file, so
 * PyTorch and rnnlab time the same batches.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { epochPlan } from '../data/batches.ts';
import { readImdbArchive } from '../data/imdb.ts';
import { forEachToken } from '../data/tokenizer.ts';
import { UserError } from '../util/errors.ts';
import { Rng } from '../util/rng.ts';

export const PACKED_BATCH = 32;
export const PACKED_MAX_LEN = 200;

export interface PackedLengths {
  /** where the lengths came from: the archive path, or 'synthetic (…)' */
  source: string;
  /** one array of sequence lengths per batch, in training order */
  batches: number[][];
}

export const PackedLengthsSchema = z.object({
  source: z.string(),
  batches: z.array(z.array(z.number().int().min(1)).min(1)).min(1),
});

/** Token counts of IMDB's 25 000 training reviews, capped at maxLen. */
export async function imdbTrainLengths(archive: string, maxLen = PACKED_MAX_LEN): Promise<Int32Array> {
  const { train } = await readImdbArchive(archive);
  const out = new Int32Array(train.length);
  train.forEach((ex, i) => {
    let n = 0;
    forEachToken(ex.text, () => n++);
    out[i] = Math.min(maxLen, Math.max(1, n)); // an empty text is one <unk>, as the encoder does
  });
  return out;
}

/** `count` lengths drawn log-normally like IMDB's (e^μ 219, σ 0.641), capped at maxLen, at least 5. */
export function syntheticLengths(count: number, seed: number, maxLen = PACKED_MAX_LEN): Int32Array {
  const rng = new Rng(seed);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = Math.min(maxLen, Math.max(5, Math.round(219 * Math.exp(0.641 * rng.normal()))));
  }
  return out;
}

/** The first `count` batches of epoch 1, formed by the trainer's own plan (shuffle + length bucketing). */
export function planBatches(lengths: Int32Array, count: number, seed: number, batchSize = PACKED_BATCH): number[][] {
  const plan = epochPlan(lengths, { batchSize, seed, epoch: 1, shuffle: true, bucket: true, dropLast: true });
  if (plan.length < count) throw new UserError(`only ${plan.length} batches of ${batchSize} in the length pool; ask for fewer`);
  return plan.slice(0, count).map((idx) => Array.from(idx, (i) => lengths[i]!));
}

/**
 * The lengths for `count` batches: from the IMDB archive at `archive` when it exists, else synthetic. Deterministic
 * for a given source and seed.
 */
export async function packedLengths(opts: { archive?: string; count: number; seed?: number }): Promise<PackedLengths> {
  const seed = opts.seed ?? 1;
  if (opts.archive && existsSync(opts.archive)) {
    return { source: opts.archive, batches: planBatches(await imdbTrainLengths(opts.archive), opts.count, seed) };
  }
  const pool = syntheticLengths(25_000, seed);
  return {
    source: 'synthetic (log-normal like IMDB train: e^μ 219 tokens, σ 0.641, capped at 200)',
    batches: planBatches(pool, opts.count, seed),
  };
}

/** Reads a lengths file written by the suite (one-line UserError if it is not one). */
export function readPackedLengths(path: string): PackedLengths {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError(`cannot read the lengths file ${path} (${(e as Error).message.split('\n')[0]}); ` +
      `give a JSON file {"source": …, "batches": [[lengths…], …]}`);
  }
  const r = PackedLengthsSchema.safeParse(raw);
  if (!r.success) {
    throw new UserError(`${path} is not a lengths file: ${r.error.issues[0]?.message ?? 'bad format'}; ` +
      `expected {"source": …, "batches": [[lengths…], …]}`);
  }
  return r.data;
}
