/**
 * The NBSVM baseline of one loaded data set, as every report shows it: trained on the training split, its setting
 * chosen on the validation split, scored once on the test split (src/baseline/nbsvm.ts has the model).
 */
import type { Example } from '../data/types.ts';
import { fitNbsvm, type Candidate, type FitOptions, type NbsvmSetting } from './nbsvm.ts';

export interface NbsvmBaseline {
  method: 'nbsvm';
  /** Distinct training uni+bigrams. */
  features: number;
  /** The chosen setting, and what it was chosen on ('none': no validation split, the paper's setting). */
  setting: NbsvmSetting;
  selectedOn: 'val' | 'none';
  valAccuracy: number | null;
  testAccuracy: number;
  candidates: Candidate[];
  seconds: { features: number; fit: number; test: number; total: number };
}

export interface BaselineData {
  labels: readonly string[];
  train: readonly Example[];
  val: readonly Example[];
  test: readonly Example[];
}

export function nbsvmBaseline(data: BaselineData, opts: FitOptions = {}): NbsvmBaseline {
  const fit = fitNbsvm(data.train, data.val, data.labels.length, opts);
  const t0 = performance.now();
  const pred = fit.model.predict(data.test.map((e) => e.text));
  let ok = 0;
  data.test.forEach((e, i) => { if (pred[i] === e.label) ok++; });
  const test = (performance.now() - t0) / 1000;
  return {
    method: 'nbsvm',
    features: fit.model.features.size,
    setting: fit.model.setting,
    selectedOn: data.val.length > 0 ? 'val' : 'none',
    valAccuracy: fit.valAccuracy,
    testAccuracy: data.test.length ? ok / data.test.length : 0,
    candidates: fit.candidates,
    seconds: { ...fit.seconds, test, total: fit.seconds.features + fit.seconds.fit + test },
  };
}

/** What metrics.json and results.json keep of it, as `baseline.nbsvm` next to `baseline.majority`. */
export interface NbsvmRecord {
  /** Test accuracy of the chosen setting. */
  accuracy: number;
  valAccuracy: number | null;
  setting: NbsvmSetting;
  selectedOn: 'val' | 'none';
  features: number;
  /** Wall seconds for features, fit + selection, and test scoring (not loading the data); left out of a run's
   *  metrics.json, which must not depend on timing. */
  seconds?: number;
}

export function nbsvmRecord(b: NbsvmBaseline): NbsvmRecord {
  return {
    accuracy: b.testAccuracy, valAccuracy: b.valAccuracy, setting: b.setting, selectedOn: b.selectedOn,
    features: b.features, seconds: Math.round(b.seconds.total * 100) / 100,
  };
}

/** "NBSVM (uni+bigrams, squared-hinge C=1 β=0.5, chosen on val 91.76 %): test 91.01 %, 12.8 s" */
export function nbsvmLine(r: NbsvmRecord): string {
  const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
  const s = r.setting;
  const chosen = r.selectedOn === 'val' ? `chosen on val ${pct(r.valAccuracy ?? 0)}` : "the paper's setting, no val split";
  const time = r.seconds === undefined ? '' : `, ${r.seconds.toFixed(1)} s`;
  return `NBSVM (uni+bigrams, ${s.loss} C=${s.C} β=${s.beta}, ${chosen}): test ${pct(r.accuracy)}${time}`;
}
