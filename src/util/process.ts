import { readFileSync } from 'node:fs';

/**
 * True when a process with this pid runs on this machine. A zombie (exited, not yet reaped: an orphaned worker whose
 * new parent is slow to reap it, as in containers whose PID 1 is no init) still answers kill(pid, 0) but holds
 * nothing, so on Linux its /proc state 'Z' counts as gone.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS, Windows): kill(pid, 0) is all there is
  }
}
