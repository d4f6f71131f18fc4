import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";

/** What every reliability case must keep at zero; `npm run verify:reliability` adds them up. */
export interface Counters {
  lost: number;
  duplicated: number;
  orphans: number;
  secrets: number;
  serverErrors: number;
}

export const ZERO: Counters = { lost: 0, duplicated: 0, orphans: 0, secrets: 0, serverErrors: 0 };

/** True for `npm run verify:reliability`; CI runs the quick subset. */
export const FULL_RUN = process.env.RELIABILITY_FULL === "1";

/** Appends one line per measured figure to $RELIABILITY_RESULTS/figures.jsonl (nothing when unset). */
export function recordFigures(suite: string, name: string, figures: Partial<Counters> & Record<string, unknown>) {
  const directory = process.env.RELIABILITY_RESULTS;
  if (!directory) return;
  mkdirSync(directory, { recursive: true });
  appendFileSync(path.join(directory, "figures.jsonl"), `${JSON.stringify({ suite, name, ...figures })}\n`);
}
