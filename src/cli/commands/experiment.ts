import type { Command } from 'commander';

/** Registers `rnnlab experiment` (not written yet: registers nothing). */
export function register(_program: Command): void {}
