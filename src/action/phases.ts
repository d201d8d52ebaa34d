import type { Phase } from '../report/run-report.js';

/** Runs a phase's work and records its time in `phases`, whether the work succeeds or fails. */
export type PhaseTimer = <T>(name: string, work: () => Promise<T>) => Promise<T>;

/**
 * The phases' timings, for the JSON report and the job summary: a step that claims speed shows where its time goes.
 * Phases may overlap (the token check, npm's routing answer and the cache restore run side by side): each keeps its
 * own start. `now` is milliseconds since the process started (performance.now()).
 */
export function phaseTimer(phases: Phase[], now: () => number = () => performance.now()): PhaseTimer {
  return async (name, work) => {
    const start = now();
    try {
      return await work();
    } finally {
      phases.push({ name, startSeconds: seconds(start), seconds: seconds(now() - start) });
    }
  };
}

/** Milliseconds as seconds, to the millisecond. */
function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}
