/**
 * A UserError is a problem with the user's input or environment (a missing file, a bad option, a corrupt archive).
 * The CLI prints its message as one line and exits non-zero, without a stack trace. The message must name the
 * cause and what to do about it.
 */
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
