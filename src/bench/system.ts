/**
 * Facts about the machine that every benchmark report carries, so numbers from different machines are never
 * compared by accident: CPU model, core count, Node version, and which BLAS (library, threads) did the GEMMs.
 */
import { cpus, availableParallelism } from 'node:os';
import { blasInfo, type BlasInfo } from '../nn/blas.ts';
import { floatEnvInfo, floatEnvLine } from '../nn/fpenv.ts';

export interface SystemInfo {
  node: string;
  platform: string;
  cpuModel: string;
  cores: number;
  blas: BlasInfo;
  /** how subnormal floats are treated (src/nn/fpenv.ts) */
  denormals?: string;
}

export function systemInfo(): SystemInfo {
  const list = cpus();
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpuModel: list[0]?.model.trim() || 'unknown',
    cores: availableParallelism(),
    blas: blasInfo(),
    denormals: floatEnvLine(floatEnvInfo()),
  };
}

/** One line such as "openblas /usr/lib/…/libopenblasp-r0.3.21.so, 2 threads (OpenBLAS 0.3.21 … Zen …)". */
export function blasLine(b: BlasInfo): string {
  const where = b.path ? ` ${b.path}` : '';
  const detail = b.detail ? ` (${b.detail})` : '';
  return `${b.backend}${where}, ${b.threads} thread${b.threads === 1 ? '' : 's'}${detail}`;
}
