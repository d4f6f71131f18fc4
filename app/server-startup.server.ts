import { startAlertSchedule } from "~/alerts/schedule.server";
import { startErcotSchedule } from "~/ercot/schedule.server";
import { processAfterErcotStore } from "~/esiid/process.server";
import { startAbandonedUploadSweep } from "~/storage/sweep.server";

declare global {
  var __backgroundJobsStarted: boolean | undefined;
}

/** Starts in-process background jobs once per server process. */
export function startBackgroundJobs() {
  if (globalThis.__backgroundJobsStarted) return;
  globalThis.__backgroundJobsStarted = true;
  startErcotSchedule({ afterFileStored: processAfterErcotStore });
  startAlertSchedule();
  startAbandonedUploadSweep();
}
