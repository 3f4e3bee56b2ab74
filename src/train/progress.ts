/**
 * What a training run tells the person watching it:
 *  - one plain line per epoch through a caller-supplied `log` (stdout by default; the experiment runner prefixes
 *    or forwards them), greppable and fine in a log file;
 *  - only when stderr is a terminal, a progress bar per epoch on stderr (batches done, running loss and accuracy,
 *    tokens/s, ETA), cleared when the epoch ends so the epoch line stands alone.
 */
import cliProgress from 'cli-progress';
import type { EpochRecord } from './run-dir.ts';

export type Logger = (line: string) => void;

export const stdoutLogger: Logger = (line) => {
  process.stdout.write(line + '\n');
};

const pct = (x: number | null): string => (x === null || !Number.isFinite(x) ? '—' : `${(100 * x).toFixed(2)}%`);
const num = (x: number | null): string => (x === null ? '—' : Number.isFinite(x) ? x.toFixed(4) : String(x));

/** "epoch 2/5  train loss 0.6120 acc 66.10%  val loss 0.5903 acc 69.40%  test loss 0.6001 acc 68.00%  lr 0.001  12.3 s  41k tok/s" */
export function formatEpochLine(r: EpochRecord, epochs: number, best: boolean): string {
  const parts = [`epoch ${r.epoch}/${epochs}`];
  if (r.epoch === 0) parts.push('(before training)');
  else parts.push(`train loss ${num(r.trainLoss)} acc ${pct(r.trainAccuracy)}`);
  parts.push(r.valLoss === null ? 'val —' : `val loss ${num(r.valLoss)} acc ${pct(r.valAccuracy)}`);
  if (r.testAccuracy !== null) parts.push(`test loss ${num(r.testLoss)} acc ${pct(r.testAccuracy)}`);
  if (r.epoch > 0) parts.push(`lr ${r.lr.toPrecision(3)}`);
  parts.push(`${r.seconds.toFixed(1)} s`);
  if (r.tokensPerSecond !== null) parts.push(`train ${formatRate(r.tokensPerSecond)} tok/s`);
  if (r.evalTokensPerSecond != null) parts.push(`eval ${formatRate(r.evalTokensPerSecond)} tok/s`);
  if (best) parts.push('*best');
  return parts.join('  ');
}

export function formatRate(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e4 ? `${(x / 1e3).toFixed(0)}k` : x.toFixed(0);
}

/** A per-epoch bar on stderr; every method is a no-op when disabled (stderr not a terminal). */
export class EpochBar {
  private bar: cliProgress.SingleBar | null = null;

  constructor(private readonly enabled: boolean) {}

  start(epoch: number, epochs: number, batches: number): void {
    if (!this.enabled) return;
    this.bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: `epoch ${epoch}/${epochs} [{bar}] {value}/{total} batches | loss {loss} acc {acc} | {tps} tok/s | ETA {eta_formatted}`,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(batches, 0, { loss: '—', acc: '—', tps: '—' });
  }

  update(done: number, loss: number, accuracy: number, tokensPerSecond: number): void {
    this.bar?.update(done, { loss: loss.toFixed(4), acc: pct(accuracy), tps: formatRate(tokensPerSecond) });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
