/**
 * Help text shared by every command: one way of showing defaults ("(default: 64)", never quoted), required options
 * marked "(required)", and the environment variables rnnlab reads (the list README's table repeats).
 */
import { Help, type Command, type Option } from 'commander';

/** Every environment variable rnnlab reads (grep the sources for process.env / env. to check). */
export const ENVIRONMENT = `
Environment:
  RNNLAB_BLAS=PATH|typescript  the BLAS library (a shared library exporting cblas_sgemm), or 'typescript' for the
                               built-in GEMM (default: OpenBLAS, then a system CBLAS, then Accelerate on macOS)
  RNNLAB_BLAS_THREADS=N        most BLAS threads a matrix product may use (default: the library's own; OpenBLAS: OPENBLAS_NUM_THREADS, else the cores)
  RNNLAB_BLAS_PARALLEL_MIN=N   products with fewer multiply-adds run on one thread (default: 1048576)
  RNNLAB_DENORMALS=flush|keep  subnormal floats (below 1.1754944e-38) become 0, or are kept (default: flush)
  VECLIB_MAXIMUM_THREADS=N     macOS Accelerate's thread count (read by Accelerate; rnnlab reports it)
  RNNLAB_IMDB=PATH             an IMDB archive or folder to use instead of the cache / a download
  RNNLAB_IMDB_URL, RNNLAB_IMDB_SHA256, RNNLAB_IMDB_SIZE   another download source for --dataset imdb
  RNNLAB_DOWNLOAD_RETRIES=N, RNNLAB_DOWNLOAD_RETRY_MS=MS   retries of a failed download (default: 3, 2000 ms)
  XDG_CACHE_HOME=DIR           the cache folder's parent (default: ~/.cache; the archive goes to DIR/rnnlab)
  RNNLAB_BIN_DIST=1            in a git checkout, run the compiled dist/ instead of src/ through tsx
  RNNLAB_QUEUE=URL             rnnlab worker's --queue (keeps the Redis password off the command line)
  RNNLAB_QUEUE_LOCK_MS=MS      a queue worker's lock on its job, renewed while alive (default: 30000)
  RNNLAB_TEST_HOLD_FILE=PATH   tests only: the first queue worker to create PATH holds its job after epoch 1
`;

export const TOP_EXAMPLES = `
Examples:
  $ rnnlab experiment --limit 2000 --epochs 1 --out runs/smoke    a quick look at the whole grid
  $ rnnlab train --arch gru --out runs/gru                        one model into a run directory
  $ rnnlab predict --model runs/gru "A wonderful, moving film."   label and probability
  $ rnnlab data --dataset reviews.csv                             what a data set holds
  $ rnnlab baseline --dataset reviews.csv                         the majority class and NBSVM to beat
  $ rnnlab info                                                   which BLAS, how fast
  $ rnnlab train --help                                           every command has --help with examples
`;

/** Applies the shared help format to `program` (and, by commander's inheritance, to commands added after). */
export function configureHelp(program: Command): void {
  program.configureHelp({
    optionDescription(this: Help, option: Option): string {
      const text = Help.prototype.optionDescription.call(this, option).replace(/\(default: "([^"]*)"\)/, '(default: $1)');
      return option.mandatory ? `(required) ${text}` : text;
    },
  });
}
