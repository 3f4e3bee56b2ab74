/**
 * Replays a finished study's trials through a scheduler, with each job's measured duration, to estimate the wall
 * time the same experiment would take under another scheduling rule. The study's own planner (search/study.ts)
 * decides what can run: a trial's result "exists" once its simulated job has ended, so every decision is the one
 * the real run made (the results are the same whatever the order; only the timing moves).
 *
 *   rounds   the trials that can run start together; the next are planned when all of them are done (rnnlab's
 *            src/experiment/run.ts)
 *   refill   whenever a worker is free, the planner is asked again (an alternative that was measured this way, on
 *            the full-IMDB grid, to gain nothing: README "A fair comparison", Cost)
 *
 * Both start jobs longest first (src/experiment/order.ts). Job durations: a trial's history (per-epoch seconds,
 * evaluation included) over the epochs that job trained; a final run's recorded seconds (after a continued search
 * trial: its test evaluation of the trial's epochs plus its own epochs). Per-job overheads that the history does not
 * hold (a worker loading the data set once per round, process start) are not modelled, so compare the "rounds" figure
 * with the measured wall time to see their size. Usage:
 *   node --import tsx scripts/replay-schedule.ts EXPERIMENT_DIR [WORKERS]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlannedCell } from '../src/experiment/plan.ts';
import { longestFirst } from '../src/experiment/order.ts';
import { finalScoreFromFolder, planStudy, scoreFromFolder, type StudySettings, type TrialDisk } from '../src/experiment/search/study.ts';
import type { Trial } from '../src/experiment/search/trial.ts';
import { readHistory, readStatus } from '../src/train/run-dir.ts';

const dir = process.argv[2];
const workers = Number(process.argv[3] ?? 2);
if (!dir || !existsSync(join(dir, 'experiment.json'))) {
  console.error('usage: replay-schedule.ts EXPERIMENT_DIR [WORKERS]');
  process.exit(2);
}
const settings = JSON.parse(readFileSync(join(dir, 'experiment.json'), 'utf8')).settings as {
  cells: Record<string, { arch: string; optimizer: string; train: PlannedCell['train'] }>; study: StudySettings;
};
const cells: PlannedCell[] = Object.entries(settings.cells).map(([name, c]) => ({ name, arch: c.arch, optimizer: c.optimizer, train: c.train }));

const key = (t: Trial) => `${t.id}@${t.epochs}`;

/** Seconds of the job that trains `t` from the previous rung's budget (or from scratch) to its own. */
function duration(t: Trial, from: number): number {
  const folder = join(dir!, t.id);
  if (t.role === 'final') return readStatus(folder)?.seconds ?? 0;
  return readHistory(folder).filter((h) => h.epoch > from && h.epoch <= t.epochs || (from === 0 && h.epoch === 0))
    .reduce((a, h) => a + h.seconds, 0);
}

function simulate(rule: 'rounds' | 'refill'): number {
  let now = 0;
  const endOf = new Map<string, number>(); // job key → simulated end time
  const trained = new Map<string, number>(); // folder id → epochs trained by the jobs started so far
  const done = (t: Trial) => (endOf.get(key(t)) ?? Infinity) <= now;
  const disk: TrialDisk = {
    score: (t) => (done(t) ? scoreFromFolder(join(dir!, t.id), t.epochs, false) : null),
    finished: (t) => done(t),
    finalScore: (t) => (done(t) ? finalScoreFromFolder(join(dir!, t.id)) : null),
  };
  const free: number[] = Array(workers).fill(0); // when each worker is free
  let round: Trial[] = []; // the current round's jobs not started yet (rule 'rounds')
  for (let guard = 0; guard < 100_000; guard++) {
    const pending = planStudy(cells, settings.study, disk).pending.filter((t) => !endOf.has(key(t)));
    const inFlight = [...endOf.values()].some((e) => e > now);
    if (rule === 'rounds' && round.length === 0 && !inFlight) round = longestFirst(pending, (t) => trained.get(t.id) ?? 0);
    const candidates = rule === 'rounds' ? round : longestFirst(pending, (t) => trained.get(t.id) ?? 0);
    if (candidates.length === 0 && !inFlight) return now;
    const worker = free.findIndex((f) => f <= now);
    if (candidates.length > 0 && worker >= 0) {
      const t = candidates[0]!;
      if (rule === 'rounds') round.shift();
      const end = now + duration(t, t.role === 'final' ? 0 : trained.get(t.id) ?? 0);
      endOf.set(key(t), end);
      trained.set(t.id, t.epochs);
      free[worker] = end;
      continue;
    }
    now = Math.min(...[...endOf.values()].filter((e) => e > now)); // the next job end
  }
  throw new Error('too many steps');
}

const fmt = (s: number) => `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
console.log(`${dir}, ${workers} workers: rounds ${fmt(simulate('rounds'))}, refill ${fmt(simulate('refill'))}`);
