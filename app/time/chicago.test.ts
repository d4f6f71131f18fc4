import { describe, expect, it } from "vitest";
import {
  addDays,
  chicagoDayLengthMinutes,
  chicagoDayStart,
  chicagoInstants,
  chicagoOffsetMinutes,
  chicagoToUtc,
  formatLocalDate,
} from "./chicago";

const day = (text: string) => {
  const [year, month, dayOfMonth] = text.split("-").map(Number);
  return { year, month, day: dayOfMonth };
};
const isoList = (dates: Date[]) => dates.map((date) => date.toISOString());
const intlParts = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/Chicago",
  hourCycle: "h23",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "numeric",
});

function intlOffsetMinutes(instant: Date): number {
  const part = Object.fromEntries(intlParts.formatToParts(instant).map(({ type, value }) => [type, Number(value)]));
  return (Date.UTC(part.year, part.month - 1, part.day, part.hour, part.minute) - instant.getTime()) / 60_000;
}

describe("America/Chicago time", () => {
  it.each([
    ["2025-03-09", 1380],
    ["2026-03-08", 1380],
    ["2025-11-02", 1500],
    ["2026-11-01", 1500],
    ["2025-07-04", 1440],
  ])("gives %s a day of %i minutes", (date, minutes) => {
    expect(chicagoDayLengthMinutes(day(date))).toBe(minutes);
  });

  it.each([
    ["2025-03-09", "2025-03-09T08:00:00.000Z"],
    ["2026-03-08", "2026-03-08T08:00:00.000Z"],
  ])("has no 02:00–02:59 on spring-forward day %s, and 03:00 CDT at %s", (date, threeAm) => {
    expect(chicagoInstants(day(date), 2 * 3600)).toEqual([]);
    expect(chicagoInstants(day(date), 2 * 3600 + 45 * 60)).toEqual([]);
    expect(chicagoToUtc(day(date), 3 * 3600)?.toISOString()).toBe(threeAm);
    expect(chicagoToUtc(day(date), 1 * 3600 + 45 * 60)?.getTime()).toBe(new Date(threeAm).getTime() - 15 * 60_000);
  });

  it.each([
    ["2025-11-02", ["2025-11-02T06:00:00.000Z", "2025-11-02T07:00:00.000Z"]],
    ["2026-11-01", ["2026-11-01T06:00:00.000Z", "2026-11-01T07:00:00.000Z"]],
  ])("gives 01:00 on fall-back day %s two instants, CDT first", (date, instants) => {
    expect(isoList(chicagoInstants(day(date), 3600))).toEqual(instants);
    expect(isoList(chicagoInstants(day(date), 2 * 3600))).toEqual([instants[1].replace("07:00", "08:00")]);
  });

  it("agrees with Intl on the offset at every quarter hour around each 2025–2026 transition and hourly otherwise", () => {
    for (let ms = Date.UTC(2025, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 3_600_000) {
      expect(chicagoOffsetMinutes(new Date(ms))).toBe(intlOffsetMinutes(new Date(ms)));
    }
    for (const date of ["2025-03-09", "2025-11-02", "2026-03-08", "2026-11-01"]) {
      const start = chicagoDayStart(day(date)).getTime();
      for (let minute = 0; minute < chicagoDayLengthMinutes(day(date)); minute += 15) {
        const instant = new Date(start + minute * 60_000);
        expect(chicagoOffsetMinutes(instant)).toBe(intlOffsetMinutes(instant));
      }
    }
  });

  it("formats local dates as YYYY-MM-DD", () => {
    expect(formatLocalDate(addDays(day("2025-12-31"), 1))).toBe("2026-01-01");
  });
});
