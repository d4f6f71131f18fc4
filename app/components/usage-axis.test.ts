import { describe, expect, it } from "vitest";
import { dayOffset, daysBetween } from "~/time/iso-days";
import { timeTicks } from "./usage-axis";

describe("the usage chart's time axis", () => {
  it("counts calendar days across a month end and a DST change", () => {
    expect(daysBetween("2025-10-28", "2025-11-04")).toBe(7);
    expect(dayOffset("2025-02-27", 2)).toBe("2025-03-01");
  });

  it("labels at most eight days, evenly spaced from the first", () => {
    expect(timeTicks("2025-09-25", "2025-09-27")).toEqual(["2025-09-25", "2025-09-26", "2025-09-27"]);
    const month = timeTicks("2025-09-01", "2025-09-30");
    expect(month).toEqual(["2025-09-01", "2025-09-08", "2025-09-15", "2025-09-22", "2025-09-29"]);
    expect(timeTicks("2025-01-01", "2025-12-31").length).toBeLessThanOrEqual(8);
  });
});
