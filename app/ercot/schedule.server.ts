import { Cron } from "croner";
import { getEnv } from "~/env/env.server";
import { errorMessage, logger } from "~/log/logger.server";
import { ERCOT_JOBS } from "./jobs";
import { runIngest, type IngestOptions } from "./ingest.server";

declare global {
  var __ercotSchedule: Cron[] | undefined;
}

/**
 * The embedded scheduler: on by default with embedded PostgreSQL (ERCOT_SCHEDULE_ENABLED overrides).
 * Every instance may run it: the run lock lets one of them do the work and the others answer "running".
 */
export function startErcotSchedule(jobOptions: Pick<IngestOptions, "afterFileStored"> = {}): Cron[] {
  if (globalThis.__ercotSchedule) return globalThis.__ercotSchedule;
  if (!getEnv().ercot.scheduleEnabled) return [];
  globalThis.__ercotSchedule = ERCOT_JOBS.map(
    (job) =>
      new Cron(job.pattern, { name: job.name, timezone: "UTC", protect: true }, async () => {
        try {
          const outcome = await runIngest({ trigger: "schedule", ...jobOptions });
          if ("running" in outcome)
            logger().info({ job: job.name, runId: outcome.runId }, "ERCOT run already going elsewhere; nothing to do");
        } catch (error) {
          logger().error({ job: job.name, error: errorMessage(error) }, "ERCOT scheduled run could not start");
        }
      }),
  );
  return globalThis.__ercotSchedule;
}

export function stopErcotSchedule(): void {
  for (const job of globalThis.__ercotSchedule ?? []) job.stop();
  globalThis.__ercotSchedule = undefined;
}
