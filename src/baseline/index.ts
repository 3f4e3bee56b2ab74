/**
 * rnnlab's bag-of-n-grams baseline: NBSVM (Wang & Manning 2012), shown beside every RNN result. Depends on
 * src/data only (its tokenizer and Example type); src/train and src/experiment call it, src/report reads its record.
 *
 *   const b = nbsvmBaseline(loadedData);          // train → fit, val → choose (loss, C, β), test → score once
 *   b.testAccuracy, b.valAccuracy, b.setting, b.candidates, b.seconds
 *   nbsvmRecord(b) → what metrics.json / results.json keep under baseline.nbsvm; nbsvmLine(record) → one line
 *
 * ngrams.ts   binarized uni+bigram rows over basic_english tokens (whole texts, every training n-gram)
 * linear.ts   L2-regularized squared-hinge SVM / logistic regression by dual coordinate descent (LIBLINEAR's method)
 * nbsvm.ts    log-count ratio, interpolation, one-vs-rest, selection on validation (equations in its header)
 * run.ts      the baseline of one data set, its stored record and terminal line
 */
export { NgramFeatures, type BinaryRows } from './ngrams.ts';
export { trainLinear, decisionValues, type LinearLoss, type LinearModel, type LinearOptions, type ValuedRows } from './linear.ts';
export {
  fitNbsvm, logCountRatio, scaleRows, predictFromScores, NbsvmModel, PAPER_SETTING, DEFAULT_GRID,
  type NbsvmSetting, type NbsvmTask, type FitOptions, type FitResult, type Candidate,
} from './nbsvm.ts';
export { nbsvmBaseline, nbsvmRecord, nbsvmLine, type NbsvmBaseline, type NbsvmRecord, type BaselineData } from './run.ts';
