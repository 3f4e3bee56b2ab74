/**
 * Entry script of an experiment worker process (started by pool.ts with `node --import tsx` and an IPC channel).
 * It trains the cells the parent sends, one after another, reusing its loaded data set, and reports lines, epochs
 * and outcomes back. RNNLAB_BLAS_THREADS in its environment gives it its share of the cores.
 *
 * Lifetime: it exits as soon as the parent disconnects, whether the parent finished or was killed (even with
 * SIGKILL the IPC channel closes). The trainer yields to the event loop between batches, so the disconnect is
 * noticed within a batch; every file the trainer writes is renamed into place, so exiting at any point leaves the
 * cell resumable. Ctrl-C (SIGINT, sent to the whole process group) and an 'abort' message stop the current cell
 * gracefully at the next batch.
 */
import { runCell } from './cell.ts';
import type { ParentMessage, WorkerMessage } from './protocol.ts';

if (!process.send) {
  process.stderr.write('rnnlab: cell-worker.ts is started by `rnnlab experiment --workers N`, not by hand\n');
  process.exit(2);
}

const send = (msg: WorkerMessage): void => {
  if (process.connected) process.send!(msg);
};

const abort = new AbortController();
/** job.ackEpochs: releases the trainer, which waits after each epoch until the parent has read its files */
let releaseEpoch: (() => void) | null = null;
process.on('SIGINT', () => abort.abort());
process.on('SIGTERM', () => abort.abort());
process.on('disconnect', () => process.exit(0));

process.on('message', (raw) => {
  const msg = raw as ParentMessage;
  if (msg.type === 'abort') {
    abort.abort();
    return;
  }
  if (msg.type === 'epoch-ack') {
    releaseEpoch?.();
    releaseEpoch = null;
    return;
  }
  if (msg.type !== 'run') return;
  const { job } = msg;
  void runCell(job, {
    line: (text) => send({ type: 'log', line: text }),
    epoch: (epoch) => {
      if (!job.ackEpochs) return send({ type: 'epoch', name: job.name, epoch });
      const acked = new Promise<void>((resolve) => { releaseEpoch = resolve; });
      send({ type: 'epoch', name: job.name, epoch });
      return acked;
    },
    signal: abort.signal,
  }).then((outcome) => send({ type: 'done', outcome }));
});

send({ type: 'ready' });
