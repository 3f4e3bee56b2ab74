import { readFileSync } from 'node:fs';

/**
 * The state letter of a /proc/PID/stat line ('R', 'S', 'Z', …). The command name sits in parentheses and may itself
 * contain ') ', so the state is read after the last ')'.
 */
export function procStatState(stat: string): string {
  const close = stat.lastIndexOf(')');
  return close < 0 ? '' : stat.slice(close + 2, close + 3);
}

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
    return procStatState(readFileSync(`/proc/${pid}/stat`, 'utf8')) !== 'Z';
  } catch {
    return true; // no /proc (macOS, Windows), or one of another pid namespace: kill(pid, 0) is all there is
  }
}
