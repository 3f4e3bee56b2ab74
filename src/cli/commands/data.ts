import type { Command } from 'commander';

/** Registers `rnnlab data` (not written yet: registers nothing). */
export function register(_program: Command): void {}
