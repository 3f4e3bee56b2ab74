/**
 * Experiment progress: one line per finished epoch per cell on stdout (the trainer's epoch line prefixed with the
 * cell name: greppable, fine in a log file), and, only
 * when stderr is a terminal, an overall bar on stderr (cells done, ETA). The bar counts epochs rather than cells so
 * its ETA moves smoothly; its label shows cells.
 *
 * When stdout and stderr are the same terminal, a line written to stdout would land in the middle of the bar, so
 * the bar is cleared before each line and redrawn after it.
 */
import cliProgress from 'cli-progress';
import type { EpochEvent } from './protocol.ts';

export interface ProgressOptions {
  cellsTotal: number;
  cellsDone: number;
  epochsTotal: number;
  epochsDone: number;
  /** defaults to process.stdout / process.stderr (tests pass their own) */
  out?: NodeJS.WritableStream;
  err?: NodeJS.WriteStream;
}

export class ExperimentProgress {
  private readonly out: NodeJS.WritableStream;
  private readonly bar: cliProgress.SingleBar | null = null;
  private cellsDone: number;
  private epochsDone: number;

  constructor(private readonly opts: ProgressOptions) {
    this.out = opts.out ?? process.stdout;
    const err = opts.err ?? process.stderr;
    this.cellsDone = opts.cellsDone;
    this.epochsDone = opts.epochsDone;
    if (err.isTTY) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: err,
          format: 'experiment [{bar}] {cells}/{cellsTotal} cells | epochs {value}/{total} | ETA {eta_formatted}',
          etaBuffer: 20,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(Math.max(1, opts.epochsTotal), this.epochsDone, this.payload());
    }
  }

  private payload(): Record<string, number> {
    return { cells: this.cellsDone, cellsTotal: this.opts.cellsTotal };
  }

  /** Prints a line on stdout without tearing the bar. */
  line(text: string): void {
    const err = this.opts.err ?? process.stderr;
    if (this.bar) err.write('\r\x1b[2K');
    this.out.write(text + '\n');
    if (this.bar) this.bar.update(this.epochsDone, this.payload());
  }

  /** An epoch finished (its line was printed separately); epoch 0 is the evaluation before training. */
  epoch(e: EpochEvent): void {
    if (e.epoch < 1) return;
    this.epochsDone++;
    this.bar?.update(this.epochsDone, this.payload());
  }

  /** A cell finished; `epochsSkipped` epochs it will never run (stopped early, diverged, failed) leave the total. */
  cellDone(epochsSkipped: number): void {
    this.cellsDone++;
    if (this.bar) {
      if (epochsSkipped > 0) this.bar.setTotal(Math.max(1, this.bar.getTotal() - epochsSkipped));
      this.bar.update(this.epochsDone, this.payload());
    }
  }

  stop(): void {
    this.bar?.stop();
  }
}
