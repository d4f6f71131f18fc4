import { Cron } from "croner";
import { getEnv } from "~/env/env.server";
import { runAlertChecksSafely } from "./run.server";

declare global {
  var __alertSchedule: Cron | undefined;
}

/** Every five minutes alongside the embedded ERCOT schedule; behind managed cron, every cron ping runs them. */
export function startAlertSchedule(): Cron | null {
  if (globalThis.__alertSchedule) return globalThis.__alertSchedule;
  if (!getEnv().ercot.scheduleEnabled) return null;
  globalThis.__alertSchedule = new Cron("*/5 * * * *", { name: "alert-checks", timezone: "UTC", protect: true }, () =>
    runAlertChecksSafely(),
  );
  return globalThis.__alertSchedule;
}
