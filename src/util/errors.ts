/**
 * A UserError is a problem with the user's input or environment (a missing file, a bad option, a corrupt archive).
 * The CLI prints its message as one line and exits non-zero, without a stack trace. The message must name the
 * cause and what to do about it.
 *
 * Also the one copy of two helpers that turn errors into such lines: oneLine (any error → its first line) and
 * zodOneLine (a zod validation error → its issues on one line, each naming its flag or path).
 */
import type { z } from 'zod';

export class UserError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'UserError';
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/**
 * Training diverged: a loss or gradient norm that is NaN/±Infinity. A UserError (the cure is a smaller learning rate
 * or clipping), typed so that callers that turn divergence into data (the trainer's `diverged` status) recognise it
 * by class, not by its wording. `value` is the offending number.
 */
export class DivergedError extends UserError {
  constructor(message: string, readonly value: number) {
    super(message);
    this.name = 'DivergedError';
  }
}

/** The first line of an error's message (at most 500 characters), for status files and one-line reports. */
export function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!.slice(0, 500);
}

/** A path such as ['runs', 0, 'lr'] as `runs[0].lr`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out;
}

/**
 * A zod error's issues on one line, joined by "; ". `flagOf(key)` names the command-line flag of a top-level key:
 * an issue whose message does not already name its flag is prefixed "--flag: "; without a flag, an issue with a path
 * ends in "(at path)".
 */
export function zodOneLine(error: z.ZodError, flagOf?: (key: string) => string | undefined): string {
  return error.issues.map((iss) => {
    const msg = iss.message.replace(/\s+/g, ' ').trim();
    const key = iss.path[0];
    const flag = typeof key === 'string' ? flagOf?.(key) : undefined;
    if (flag) return msg.includes(flag) ? msg : `${flag}: ${msg}`;
    return iss.path.length > 0 ? `${msg} (at ${formatPath(iss.path)})` : msg;
  }).join('; ');
}
