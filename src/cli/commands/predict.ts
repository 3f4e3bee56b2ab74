/**
 * `rnnlab predict --model DIR [TEXT…]`: the label and its probability for each text, one line per text, in input
 * order. Texts come from the arguments, else --file (one text per line), else stdin (one per line).
 *
 * Exactly one output line per input line, so the output can be pasted next to the input: an empty (or blank) text
 * is not classified — the model would answer from its biases alone — but gets a clearly marked line, `-  -  (empty
 * text: no prediction)`, or in JSON `"label": null, "empty": true`.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { loadSavedModel } from '../../train/run-dir.ts';
import { predictTexts } from '../../train/predict.ts';
import { UserError } from '../../util/errors.ts';

const EXAMPLES = `
Examples:
  $ rnnlab predict --model runs/lstm "a wonderful, moving film" "two hours I will never get back"
  $ rnnlab predict --model runs/lstm --file reviews.txt --json
  $ cat reviews.txt | rnnlab predict --model runs/lstm
  $ rnnlab predict --model runs/lstm --json --ids "great film" | /usr/bin/python3 scripts/torch-load-check.py runs/lstm
`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** One text per line, blank lines included; the newline that ends the last line does not start another. */
export function lines(text: string): string[] {
  if (text === '') return [];
  return text.replace(/\r?\n$/, '').split(/\r?\n/);
}

const EMPTY_MARK = '(empty text: no prediction)';
const isBlank = (t: string): boolean => t.trim() === '';

export function register(program: Command): void {
  program
    .command('predict')
    .description('classify texts with a saved model: the label and its probability, one line per text')
    .argument('[text...]', 'texts to classify (default: --file, else stdin, one text per line); an empty text gets a marked line, not a prediction')
    .requiredOption('--model <dir>', 'run directory written by rnnlab train')
    .option('--file <path>', 'read texts from this file, one per line')
    .option('--json', 'print one JSON object per line: {"label","probability","probabilities","text"} (an empty text: label null, "empty": true)')
    .option('--ids', 'with --json: add the token ids and raw logits (input for scripts/torch-load-check.py)')
    .addHelpText('after', EXAMPLES)
    .action(async (args: string[], raw: Record<string, unknown>) => {
      if (raw.ids === true && raw.json !== true) throw new UserError('--ids needs --json (ids and logits are JSON fields)');
      const saved = loadSavedModel(String(raw.model));
      let texts: string[];
      if (args.length > 0) {
        if (raw.file !== undefined) throw new UserError('give texts as arguments or with --file, not both');
        texts = args;
      } else if (typeof raw.file === 'string') {
        let content: string;
        try {
          content = readFileSync(raw.file, 'utf8');
        } catch (e) {
          throw new UserError(`cannot read --file ${raw.file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path`);
        }
        texts = lines(content);
      } else {
        if (process.stdin.isTTY) process.stderr.write('reading texts from stdin, one per line (end with Ctrl-D)\n');
        texts = lines(await readStdin());
      }
      if (texts.length === 0) throw new UserError('no text to classify: pass texts as arguments, --file, or lines on stdin');
      const toClassify = texts.filter((t) => !isBlank(t));
      const preds = toClassify.length > 0 ? predictTexts(saved, toClassify) : [];
      const out: string[] = [];
      let next = 0;
      for (const text of texts) {
        if (isBlank(text)) {
          out.push(raw.json === true
            ? JSON.stringify({ label: null, probability: null, probabilities: null, text, empty: true })
            : `-\t-\t${EMPTY_MARK}`);
          continue;
        }
        const p = preds[next++]!;
        if (raw.json === true) {
          const o: Record<string, unknown> = { label: p.label, probability: p.probability, probabilities: p.probabilities, text };
          if (raw.ids === true) Object.assign(o, { ids: p.ids, logits: p.logits });
          out.push(JSON.stringify(o));
        } else {
          const t = text.replace(/\s+/g, ' ');
          out.push(`${p.label}\t${p.probability.toFixed(4)}\t${t.length > 70 ? t.slice(0, 67) + '...' : t}`);
        }
      }
      process.stdout.write(out.join('\n') + '\n');
    });
}
