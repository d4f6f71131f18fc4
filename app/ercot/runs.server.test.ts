import { describe, expect, it } from "vitest";
import { scheduleStatusAt } from "./runs.server";

const at = (iso: string) => new Date(iso);

describe("missed-run indicator against the 12:00 UTC schedule", () => {
  it("is up when a run succeeded after the last owed scheduled time", () => {
    expect(scheduleStatusAt(at("2026-06-03T18:00:00Z"), at("2026-06-03T12:01:10Z")).state).toBe("up");
  });

  it("gives a scheduled run its grace period before calling it late", () => {
    // 13:00 is inside the two-hour grace after 12:00; yesterday's run is what is owed.
    expect(scheduleStatusAt(at("2026-06-03T13:00:00Z"), at("2026-06-02T12:01:00Z")).state).toBe("up");
  });

  it("is late when the last owed run did not succeed but the one before did", () => {
    const status = scheduleStatusAt(at("2026-06-03T15:00:00Z"), at("2026-06-02T12:01:00Z"));
    expect(status.state).toBe("late");
    expect(status.message).toContain("2026-06-03 07:00 CDT (12:00 UTC) has not succeeded");
  });

  it("is down after two missed runs, or when nothing ever succeeded", () => {
    expect(scheduleStatusAt(at("2026-06-03T15:00:00Z"), at("2026-06-01T12:01:00Z")).state).toBe("down");
    expect(scheduleStatusAt(at("2026-06-03T15:00:00Z"), null)).toMatchObject({
      state: "down",
      message: expect.stringContaining("No run has succeeded yet"),
    });
  });

  it("gives the next scheduled time", () => {
    expect(scheduleStatusAt(at("2026-06-03T15:00:00Z"), null).nextDueAt).toBe("2026-06-04T12:00:00.000Z");
  });
});
