/**
 * `rnnlab predict --model DIR [TEXT…]`: the label and its probability for each text, one line per text, in input
 * order. Texts come from the arguments, else --file (one text per line), else stdin (one per line).
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

function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '');
}

export function register(program: Command): void {
  program
    .command('predict')
    .description('classify texts with a saved model: the label and its probability, one line per text')
    .argument('[text...]', 'texts to classify (default: --file, else stdin, one text per line)')
    .requiredOption('--model <dir>', 'run directory written by rnnlab train')
    .option('--file <path>', 'read texts from this file, one per line')
    .option('--json', 'print one JSON object per line: {"label","probability","probabilities","text"}')
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
      const preds = predictTexts(saved, texts);
      const out: string[] = [];
      preds.forEach((p, i) => {
        if (raw.json === true) {
          const o: Record<string, unknown> = { label: p.label, probability: p.probability, probabilities: p.probabilities, text: texts[i] };
          if (raw.ids === true) Object.assign(o, { ids: p.ids, logits: p.logits });
          out.push(JSON.stringify(o));
        } else {
          const t = texts[i]!.replace(/\s+/g, ' ');
          out.push(`${p.label}\t${p.probability.toFixed(4)}\t${t.length > 70 ? t.slice(0, 67) + '...' : t}`);
        }
      });
      process.stdout.write(out.join('\n') + '\n');
    });
}
