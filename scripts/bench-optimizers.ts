/**
 * Time of one optimizer update on the default IMDB model's 3,299,201 parameters (GRU: embedding 25,000 × 128 and the
 * rest), per optimizer, median of 15 after 40 warm-up steps (V8 compiles a WebAssembly function with its optimising
 * tier only after some calls). A checksum of the weights after the 55 steps shows whether two versions compute the
 * same numbers. Usage:
 *   node --import tsx scripts/bench-optimizers.ts [SRC_DIR]      SRC_DIR: another checkout's src/ (default: this one)
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const src = resolve(process.argv[2] ?? new URL('../src', import.meta.url).pathname);
const { allocF32 } = await import(pathToFileURL(`${src}/nn/kernels.ts`).href);
const { createOptimizer } = await import(pathToFileURL(`${src}/optim/index.ts`).href);
const N = 3_299_201;

for (const name of ['sgd', 'nag', 'adadelta', 'adam', 'adamw', 'rmsprop']) {
  const data = allocF32(N) as Float32Array, grad = allocF32(N) as Float32Array;
  for (let i = 0; i < N; i++) {
    data[i] = Math.sin(i) * 0.1;
    grad[i] = Math.cos(i) * 1e-3;
  }
  const opt = createOptimizer(name, [{ name: 'w', shape: [N], data, grad }]);
  for (let i = 0; i < 40; i++) opt.step();
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    opt.step();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  let sum = 0;
  for (let i = 0; i < N; i++) sum += data[i]! * ((i % 7) + 1);
  console.log(JSON.stringify({ optimizer: name, msMedian: +times[7]!.toFixed(2), msMin: +times[0]!.toFixed(2), checksum: sum }));
}
