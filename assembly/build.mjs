// Compiles assembly/kernels.ts to src/nn/kernels/kernels.wasm (run: npm run build:kernels).
import asc from 'assemblyscript/asc';
const out = process.argv[2] ?? 'src/nn/kernels/kernels.wasm';
const { error, stderr } = await asc.main([
  'assembly/kernels.ts', '-O3', '--noAssert', '--runtime', 'stub', '--enable', 'simd,threads',
  '--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', '65536',
  '--outFile', out,
]);
if (error) { console.error(stderr.toString()); process.exit(1); }
