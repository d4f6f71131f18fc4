import { describe, expect, it } from "vitest";
import { dstDaysBetween } from "./dst-days";

describe("dstDaysBetween", () => {
  it("finds both Central DST days of a year, with their lengths", () => {
    expect(dstDaysBetween("2026-01-01", "2026-12-31")).toEqual([
      { day: "2026-03-08", minutes: 1380 },
      { day: "2026-11-01", minutes: 1500 },
    ]);
  });

  it("includes the ends of the range and leaves out days outside it", () => {
    expect(dstDaysBetween("2026-03-08", "2026-03-08")).toEqual([{ day: "2026-03-08", minutes: 1380 }]);
    expect(dstDaysBetween("2026-03-09", "2026-10-31")).toEqual([]);
    expect(dstDaysBetween("2025-11-02", "2026-03-08").map((found) => found.day)).toEqual(["2025-11-02", "2026-03-08"]);
  });
});
