/**
 * Axis choices that follow the data: label formats with enough digits that neighbouring ticks differ (a 49–53 %
 * panel labelled "52%, 52%, 51%" says nothing), and a log scale for loss when one curve spans a much wider range
 * than the others (a diverging run's 4.2 would otherwise squeeze 0.30 vs 0.35 into a few pixels).
 */

/** The step d3/vega picks for about `count` ticks over `span` (d3-array's tickIncrement): 1, 2, 5 or 10 × 10^k. */
export function niceStep(span: number, count = 5): number {
  if (!(span > 0)) return 0;
  const raw = span / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const error = raw / pow;
  return (error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1) * pow;
}

/** Decimal digits that make ticks `step` apart print differently (at most `max`). */
export function digitsFor(step: number, max = 4): number {
  if (!(step > 0)) return 0;
  return Math.min(max, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
}

const span = (values: number[]) => (values.length ? Math.max(...values) - Math.min(...values) : 0);

/**
 * A d3 format for a percentage axis shared by panels with their own (independent, zoomed) scales: the panel with
 * the narrowest range needs the most digits, and every panel gets that many.
 */
export function percentFormat(panels: number[][], ticks = 5): string {
  const spans = panels.map(span).filter((s) => s > 0);
  if (!spans.length) return '.0%';
  return `.${digitsFor(100 * niceStep(Math.min(...spans), ticks), 2)}%`;
}

/** The same for a plain number axis (loss). */
export function numberFormat(panels: number[][], ticks = 5): string {
  const spans = panels.map(span).filter((s) => s > 0);
  if (!spans.length) return '.2f';
  return `.${digitsFor(niceStep(Math.min(...spans), ticks), 4)}f`;
}

/**
 * Log scale when, in some panel, the largest positive loss is more than `ratio` times the smallest: then the
 * interesting differences near the bottom get room. Losses are cross-entropies, so they are positive; a panel with
 * a zero or negative value keeps the linear scale.
 */
export function wantsLogScale(panels: number[][], ratio = 4): boolean {
  return panels.some((p) => p.length > 1 && Math.min(...p) > 0 && Math.max(...p) / Math.min(...p) > ratio);
}
