/**
 * Named recipes for `rnnlab train --preset NAME`: option values (the keys of the command's options, values as typed
 * on the command line) that fill every option the user did not give; a flag given on the command line wins.
 * The table is the documentation: `train --help` prints it, README quotes it with the measurements behind it, and a
 * test checks that each entry resolves to exactly these settings.
 */
import { UserError } from '../util/errors.ts';

export interface TrainPreset {
  /** One line for --help. */
  summary: string;
  /** option key → value ('true' for a switch), as a user would type it. */
  options: Record<string, string | true>;
}

export const TRAIN_PRESETS = {
  /**
   * The full-IMDB recipe of README "Toward 90 %": a bidirectional layer read out by ULMFiT's concat pooling, the last
   * 400 tokens, a 10,000-word vocabulary; word dropout (two in five training tokens hidden as <unk>), dropout on
   * the embedded tokens and before the head; 6 epochs with the rate falling from 1e-3 to 0 along a half cosine (one
   * step per epoch), the epoch kept by validation loss. Word dropout is what let more epochs help: without it the
   * models memorise from epoch 3. The cosine schedule replaced 4 epochs with a tenfold cut after the third on
   * 2026-12-06, and word dropout 0.4 replaced 0.25 on 2026-12-07, each by a rule fixed before the runs that decided
   * it (README "A cosine schedule", "More word dropout").
   */
  strong: {
    summary: 'bidirectional, last+max+mean pooling, last 400 tokens, 10,000 words, word dropout 0.4, embedding dropout 0.3, dropout 0.5, 6 epochs (rate from 1e-3 to 0 along a half cosine)',
    options: {
      bidirectional: true, pooling: 'last+max+mean', maxLen: '400', vocabSize: '10000', wordDropout: '0.4',
      embedDropout: '0.3', dropout: '0.5', epochs: '6', schedule: 'cosine',
    },
  },
  /**
   * Small or short-text sets (a few hundred to a few thousand texts; README "Small and short-text data sets"): 5 epochs of a
   * 1,000-text set are 145 optimizer steps, far too few, and the default model memorises such a set within ~5 epochs
   * (its validation loss then rises while its accuracy still climbs, so the kept epoch is chosen by accuracy).
   * Small initial embeddings (std 0.05) and dropout on the tokens and the pooled feature are what closed the gap to
   * NBSVM there; --patience stops a run once neither its validation accuracy nor its validation loss has improved
   * for 5 epochs (src/train/trainer.ts). Word dropout (one training token in four hidden as <unk>) and an average of
   * the weights over about the last 100 steps (--ema 0.99; on 2,700 texts that is about an epoch) joined on
   * 2026-12-07: they gained on every set and cell of a probe with its rule fixed before the runs (README "Weight
   * averaging and word dropout: adopted"). Patience 5 replaced 10 the same day: on 10,000 texts a GRU kept a late,
   * over-fitted epoch that the shorter patience never reaches, and on the smaller sets every run kept the same epoch
   * (README "Choosing on a development set").
   * `rnnlab train` applies it by itself to a training split under SMALL_SET (10,000) examples when neither --preset
   * nor --epochs was given (src/cli/commands/train.ts).
   */
  small: {
    summary: 'small / short-text sets: bidirectional, last+max+mean pooling, embedding init std 0.05, word dropout 0.25, embedding dropout 0.5, dropout 0.5, weights averaged (EMA 0.99), up to 30 epochs kept by validation accuracy, early stop after 5 without gain',
    options: {
      bidirectional: true, pooling: 'last+max+mean', embedInitStd: '0.05', wordDropout: '0.25', embedDropout: '0.5',
      dropout: '0.5', ema: '0.99', epochs: '30', select: 'val-accuracy', patience: '5',
    },
  },
} as const satisfies Record<string, TrainPreset>;

export type TrainPresetName = keyof typeof TRAIN_PRESETS;
export const TRAIN_PRESET_NAMES = Object.keys(TRAIN_PRESETS) as TrainPresetName[];

/**
 * Options that mean something only beside some values of another option: --step-size only with --schedule step,
 * --gamma only with step or plateau (the schedules that cut the rate).
 */
const ONLY_WITH: Record<string, { option: string; values: readonly string[] }> = {
  stepSize: { option: 'schedule', values: ['step'] },
  gamma: { option: 'schedule', values: ['step', 'plateau'] },
};

/**
 * Whether a preset's `value` for `key` still means something beside the user's own choices (`chosen(option)`: the
 * value the user gave, or undefined). False for a preset's --step-size when the user chose a schedule other than
 * step, and for a preset's schedule that ignores an option the user gave: `--preset strong --step-size 2` is a step
 * schedule and `--preset strong --gamma 0.5` the default step schedule cutting by 0.5, not an error about the
 * preset's cosine one.
 */
export function presetOptionApplies(key: string, value: unknown, chosen: (option: string) => unknown): boolean {
  const only = ONLY_WITH[key];
  if (only) {
    const other = chosen(only.option);
    if (other !== undefined && !only.values.includes(String(other).toLowerCase())) return false;
  }
  for (const [dependent, rule] of Object.entries(ONLY_WITH)) {
    if (rule.option === key && !rule.values.includes(String(value).toLowerCase()) && chosen(dependent) !== undefined) return false;
  }
  return true;
}

/**
 * Fills `raw` (a command's option values) from the preset for every key `given(key)` says the user did not type
 * (and that the user's other choices leave meaningful: see ONLY_WITH).
 * Returns the preset with the options it filled (for the message that says so), or throws a one-line UserError for
 * an unknown name.
 */
export function applyTrainPreset(name: string, raw: Record<string, unknown>, given: (key: string) => boolean): TrainPreset {
  const preset = (TRAIN_PRESETS as Record<string, TrainPreset>)[name.toLowerCase()];
  if (!preset) throw new UserError(`unknown --preset '${name}'; use ${TRAIN_PRESET_NAMES.join(', ')}`);
  const applied: Record<string, string | true> = {};
  for (const [key, value] of Object.entries(preset.options)) {
    if (given(key)) continue;
    // `--preset strong --step-size 2` (or --gamma 0.5): the user asked for a step schedule; the preset's cosine is not applied
    if (!presetOptionApplies(key, value, (option) => (given(option) ? raw[option] : undefined))) continue;
    raw[key] = value;
    applied[key] = value;
  }
  return { summary: preset.summary, options: applied };
}

/** The preset as flags, for messages: --bidirectional --pooling last+max+mean … */
export function presetFlags(preset: TrainPreset): string {
  return Object.entries(preset.options)
    .map(([k, v]) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}${v === true ? '' : ` ${v}`}`).join(' ');
}
