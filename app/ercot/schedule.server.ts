import { Cron } from "croner";
import { getEnv } from "~/env/env.server";
import { ERCOT_JOBS } from "./jobs";
import { runIngest } from "./ingest.server";

declare global {
  var __ercotSchedule: Cron[] | undefined;
}

/**
 * The embedded scheduler: on by default with embedded PostgreSQL (ERCOT_SCHEDULE_ENABLED overrides).
 * Every instance may run it: the run lock lets one of them do the work and the others answer "running".
 */
export function startErcotSchedule(): Cron[] {
  if (globalThis.__ercotSchedule) return globalThis.__ercotSchedule;
  if (!getEnv().ercot.scheduleEnabled) return [];
  globalThis.__ercotSchedule = ERCOT_JOBS.map(
    (job) =>
      new Cron(job.pattern, { name: job.name, timezone: "UTC", protect: true }, async () => {
        try {
          const outcome = await runIngest({ trigger: "schedule" });
          if ("running" in outcome) {
            console.log(`ERCOT ${job.name}: run ${outcome.runId ?? "?"} is already going elsewhere; nothing to do.`);
          } else {
            const { summary } = outcome;
            console.log(
              `ERCOT ${job.name}: run ${outcome.runId} ${outcome.status}: ${summary.stored} stored, ${summary.skipped} skipped, ${summary.failed} failed.`,
            );
          }
        } catch (error) {
          console.error(
            `ERCOT ${job.name} could not start: ${error instanceof Error ? error.message.split("\n")[0] : error}`,
          );
        }
      }),
  );
  return globalThis.__ercotSchedule;
}

export function stopErcotSchedule(): void {
  for (const job of globalThis.__ercotSchedule ?? []) job.stop();
  globalThis.__ercotSchedule = undefined;
}
