/** Number formatting shared by summary.md and report.html, so both show the same digits. */

/** 0.87345 → "87.35%"; missing → "—" */
export function formatPercent(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : `${(100 * x).toFixed(2)}%`;
}

/** 0.87345 → "0.873"; missing → "—" */
export function formatFixed(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined ? '—' : x.toFixed(digits);
}

/** Seconds → "42.0 s", "3 min 05 s", "2 h 07 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
