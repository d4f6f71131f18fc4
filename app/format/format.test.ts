import { describe, expect, it } from "vitest";
import { formatBytes } from "./bytes";
import { countOf } from "./count";
import { formatCentral, formatCentralWithUtc, formatDailyTime, formatUtc, timeLabels } from "./time";

describe("formatBytes", () => {
  it("writes every size one way", () => {
    expect(formatBytes(812)).toBe("812 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(512 * 1024 * 1024)).toBe("512.0 MiB");
    expect(formatBytes(3 * 1024 ** 3)).toBe("3.0 GiB");
    expect(formatBytes(null)).toBe("—");
  });
});

describe("time labels", () => {
  it("shows Chicago with its marker and UTC beside it, across DST", () => {
    expect(formatCentral("2026-01-15T12:00:00Z")).toBe("2026-01-15 06:00:00 CST");
    expect(formatCentral("2026-07-15T12:00:00Z")).toBe("2026-07-15 07:00:00 CDT");
    expect(formatUtc(new Date("2026-07-15T12:00:00Z"))).toBe("2026-07-15 12:00:00 UTC");
    // 2026-03-08 08:00 UTC is 03:00 CDT; one second before is 01:59:59 CST
    expect(formatCentral("2026-03-08T07:59:59Z")).toBe("2026-03-08 01:59:59 CST");
    expect(formatCentral("2026-03-08T08:00:00Z")).toBe("2026-03-08 03:00:00 CDT");
    expect(formatCentralWithUtc("2026-01-15T12:00:00Z", { precision: "minute" })).toBe(
      "2026-01-15 06:00 CST (12:00 UTC)",
    );
  });

  it("keeps a stored fraction exactly when asked", () => {
    expect(timeLabels("2026-03-08T07:15:00.123456Z", { precision: "exact" })?.utc).toBe(
      "2026-03-08 07:15:00.123456 UTC",
    );
  });

  it("answers a dash for missing or unreadable values", () => {
    expect(formatCentral(null)).toBe("—");
    expect(formatCentral("not a time")).toBe("—");
  });

  it("reads the daily schedule in both zones", () => {
    expect(formatDailyTime(12, 0, new Date("2026-12-03T00:00:00Z"))).toBe("06:00 CST (12:00 UTC)");
    expect(formatDailyTime(12, 0, new Date("2026-06-03T00:00:00Z"))).toBe("07:00 CDT (12:00 UTC)");
  });
});

describe("countOf", () => {
  it("agrees in number", () => {
    expect(countOf(1, "warning")).toBe("1 warning");
    expect(countOf(2, "warning")).toBe("2 warnings");
    expect(countOf(1204, "row")).toBe("1,204 rows");
    expect(countOf(0, "error")).toBe("0 errors");
  });
});
