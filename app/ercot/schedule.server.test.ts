import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "~/env/env.server";
import { startErcotSchedule, stopErcotSchedule } from "./schedule.server";

afterEach(() => {
  stopErcotSchedule();
  process.env.ERCOT_SCHEDULE_ENABLED = "false";
  resetEnvCache();
});

describe("the embedded ERCOT scheduler", () => {
  it("stays off when ERCOT_SCHEDULE_ENABLED is false", () => {
    process.env.ERCOT_SCHEDULE_ENABLED = "false";
    resetEnvCache();
    expect(startErcotSchedule()).toEqual([]);
  });

  it("registers the daily run and the catch-up in UTC, once per process", () => {
    process.env.ERCOT_SCHEDULE_ENABLED = "true";
    resetEnvCache();
    const jobs = startErcotSchedule();
    expect(jobs.map((job) => job.name)).toEqual(["ercot-daily", "ercot-catch-up"]);
    const from = new Date("2026-06-03T00:00:00Z");
    expect(jobs.map((job) => job.nextRun(from)?.toISOString())).toEqual([
      "2026-06-03T12:00:00.000Z",
      "2026-06-03T14:00:00.000Z",
    ]);
    expect(startErcotSchedule()).toBe(jobs);
  });
});
