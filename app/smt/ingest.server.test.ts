import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "~/db/prisma.server";
import {
  ONCOR_ESIID,
  CENTERPOINT_ESIID,
  SUBSCRIPTION_FILE_NAME,
  ESTIMATED_POSITIONS,
  INTERVAL_HEADER,
  dayLines,
  intervalJson,
  monthlyBillingCsv,
  portalEstimatedThenRevised,
  portalFallCsv,
  portalNormalCsv,
  portalSolarCsv,
  portalSpringCsv,
  zipBundle,
} from "../../tests/fixtures/smt/generate";
import { ingestSmtFile, rawFileKey } from "./ingest.server";
import {
  dailyTotals,
  intervalSeries,
  monthlyTotals,
  storedIntervals,
  type IntervalFilter,
  type StoredInterval,
} from "./intervals.server";
import type { SpooledFile } from "./spooled-file";
import { safeBasename, spoolStream } from "./upload.server";

const spoolDir = mkdtempSync(path.join(os.tmpdir(), "smt-ingest-test-"));
afterAll(() => rmSync(spoolDir, { recursive: true, force: true }));

let spooled = 0;
async function spool(filename: string, content: string | Buffer): Promise<SpooledFile> {
  return spoolStream([Buffer.from(content)], path.join(spoolDir, String(spooled++)), {
    filename: safeBasename(filename),
    contentType: "text/csv",
    maxBytes: 64 * 1024 * 1024,
  });
}

const ingest = async (filename: string, content: string | Buffer, esiid?: string) =>
  ingestSmtFile({ file: await spool(filename, content), source: "upload", esiid });

const intervalCount = async (filter: IntervalFilter, where: (interval: StoredInterval) => boolean = () => true) =>
  (await storedIntervals(filter)).filter(where).length;

describe("ingestSmtFile", () => {
  it("loads a portal export: every interval inserted, dates and ESIIDs reported", async () => {
    const result = await ingest("IntervalData.csv", portalNormalCsv("2025-10-01", 3));
    expect(result).toMatchObject({
      ok: true,
      duplicate: false,
      status: "parsed",
      kind: "interval-csv",
      rowsParsed: 288,
      rowsInserted: 288,
      rowsUpdated: 0,
      rowsSkipped: 0,
      firstDay: "2025-10-01",
      lastDay: "2025-10-03",
      esiids: [ONCOR_ESIID],
      errorCount: 0,
    });
    expect(await intervalCount({ rawFileId: result.rawFileId })).toBe(288);
    const [first] = await storedIntervals({ esiid: ONCOR_ESIID });
    // 00:00 CDT on 2025-10-01 is 05:00 UTC.
    expect(first?.intervalStart.toISOString()).toBe("2025-10-01T05:00:00.000Z");
  });

  it("answers a re-post of the same bytes as a duplicate without reading it again", async () => {
    const text = portalNormalCsv("2025-09-01", 1);
    const first = await ingest("IntervalData.csv", text);
    const again = await ingest("IntervalData (1).csv", text);
    expect(again).toMatchObject({ duplicate: true, rawFileId: first.rawFileId, rowsInserted: 96 });
    expect(await db().smtRawFile.count({ where: { sha256: first.sha256 } })).toBe(1);
  });

  it("lets the later REVISION_DATE win across files and never lets an older one overwrite it", async () => {
    const { fileA, fileB } = portalEstimatedThenRevised("2025-12-28");
    const a = await ingest("IntervalData.csv", fileA);
    expect(a).toMatchObject({ rowsInserted: 96, rowsUpdated: 0 });
    expect(a.warnings.map((w) => w.message).join("\n")).toMatch(/16 intervals are estimated/);

    const b = await ingest("IntervalData (1).csv", fileB);
    expect(b).toMatchObject({ status: "parsed", rowsInserted: 0, rowsUpdated: 96 });
    const estimatedSlot = await storedIntervals({ esiid: ONCOR_ESIID, fromDay: "2025-12-28", toDay: "2025-12-29" });
    expect(estimatedSlot).toHaveLength(96);
    expect(estimatedSlot[ESTIMATED_POSITIONS.first]).toMatchObject({ estimated: false, rawFileId: b.rawFileId });
    expect(estimatedSlot[ESTIMATED_POSITIONS.first].kwh).toBe("0.40200");

    // File A again under other bytes (a trailing blank line): its older revision is skipped.
    const stale = await ingest("IntervalData (2).csv", `${fileA}\n`);
    expect(stale).toMatchObject({ rowsInserted: 0, rowsUpdated: 0, rowsSkipped: 96 });
    const still = await storedIntervals({ esiid: ONCOR_ESIID, fromDay: "2025-12-28", toDay: "2025-12-29" });
    expect(still[ESTIMATED_POSITIONS.first]).toMatchObject({ kwh: "0.40200", rawFileId: b.rawFileId });
  });

  it("keeps a file with malformed rows as failed, reports the lines and writes none of its rows", async () => {
    const lines = portalNormalCsv("2025-08-01", 1).split("\n");
    lines[4] = lines[4].replace(/,\d\.\d{3},A,/, ",abc,A,");
    lines[10] = lines[10].replace("08/01/2025", "13/45/2025");
    const result = await ingest("IntervalData.csv", lines.join("\n"));
    expect(result).toMatchObject({ ok: false, status: "failed", httpStatus: 422, rowsInserted: 0, errorCount: 2 });
    expect(result.errors.map((e) => e.line)).toEqual([5, 11]);
    expect(result.message).toMatch(/no rows from this file were written/);
    expect(await intervalCount({ rawFileId: result.rawFileId })).toBe(0);
    expect(await intervalCount({ fromDay: "2025-08-01", toDay: "2025-08-02" })).toBe(0);
    const raw = await db().smtRawFile.findUniqueOrThrow({ where: { id: result.rawFileId } });
    expect(raw.status).toBe("failed");
  });

  it("refuses a CSV with the wrong header, saying what was expected, and keeps the raw file", async () => {
    const result = await ingest("IntervalData.csv", "DATE,KWH\n10/01/2025,1.2\n");
    expect(result).toMatchObject({ ok: false, status: "failed", httpStatus: 422, kind: "unknown" });
    expect(result.message).toContain("Expected an SMT 15-minute interval CSV");
    expect(await db().smtRawFile.count({ where: { id: result.rawFileId } })).toBe(1);
  });

  it("flags an ESIID in no known format but keeps its rows", async () => {
    const result = await ingest("IntervalData.csv", portalNormalCsv("2025-07-01", 1, "99999999999"));
    expect(result).toMatchObject({ status: "parsed", rowsInserted: 96 });
    expect(result.warnings.map((w) => w.message).join("\n")).toMatch(
      /99999999999 \(11 digits\) matches no known TDSP layout/,
    );
  });

  it("places DST days by position and says so", async () => {
    const fall = await ingest("IntervalData.csv", portalFallCsv("2025-11-02"));
    expect(fall).toMatchObject({ rowsParsed: 100, rowsInserted: 100 });
    expect(fall.warnings.map((w) => w.message).join("\n")).toMatch(/DST fall-back day 2025-11-02/);
    const spring = await ingest("IntervalData.csv", portalSpringCsv("2026-03-08"));
    expect(spring).toMatchObject({ rowsParsed: 92, rowsInserted: 92, rowsSkipped: 4 });
    expect(spring.warnings.map((w) => w.message).join("\n")).toMatch(/spring-forward day 2026-03-08/);
  });

  it("round-trips a year's DST days exactly: every reading, flag and instant as the file has them", async () => {
    const esiid = "10443720000000555";
    const days = ["2025-03-09", "2025-03-10", "2025-11-01", "2025-11-02"];
    const lines = days.flatMap((day) =>
      dayLines(day, { esiid, estimated: (p) => p % 7 === 0, reading: (p) => (p === 20 ? null : undefined) }),
    );
    const result = await ingest("IntervalData.csv", `${INTERVAL_HEADER}\n${lines.join("\n")}\n`);
    expect(result).toMatchObject({ status: "parsed", rowsInserted: 92 + 96 + 96 + 100, rowsSkipped: 4 });

    // Expected instants computed here from the UTC offsets, independently of the portal's zone code.
    const expected = days.flatMap((day) => {
      // Local midnight is CST (UTC-6) up to the spring-forward day and after the fall-back day, else CDT (UTC-5).
      const offsetHours = day <= "2025-03-09" || day > "2025-11-02" ? 6 : 5;
      const midnight = Date.parse(`${day}T00:00:00Z`) + offsetHours * 3600_000;
      return dayLines(day, { esiid, estimated: (p) => p % 7 === 0, reading: (p) => (p === 20 ? null : undefined) })
        .map((line, position) => ({ line, position }))
        .filter(({ position }) => day !== "2025-03-09" || position < 8 || position >= 12)
        .map(({ line, position }) => {
          const fields = line.split(",");
          const slot = day === "2025-03-09" && position >= 12 ? position - 4 : position;
          return {
            day,
            intervalStart: new Date(midnight + slot * 900_000).toISOString(),
            kwh: fields[5] === "" ? null : Number(fields[5]).toFixed(5),
            estimated: fields[6] === "E",
          };
        });
    });
    const stored = (await storedIntervals({ esiid })).map((interval) => ({
      day: expected.find((e) => e.intervalStart === interval.intervalStart.toISOString())?.day,
      intervalStart: interval.intervalStart.toISOString(),
      kwh: interval.kwh,
      estimated: interval.estimated,
    }));
    expect(stored).toEqual(expected);
    const fallBack = stored.filter(
      (i) => i.intervalStart >= "2025-11-02T05:00" && i.intervalStart < "2025-11-03T06:00",
    );
    expect(new Set(fallBack.map((interval) => interval.intervalStart)).size).toBe(100);

    // The same intervals as day series, slot by slot.
    const series = await intervalSeries(esiid, { fromDay: "2025-01-01", toDay: "2026-01-01" });
    const flattened = series.flatMap((day) =>
      day.kwh.flatMap((kwh, slot) =>
        day.estimated[slot] === null
          ? []
          : [{ at: new Date(day.dayStart.getTime() + slot * 900_000).toISOString(), kwh, flag: day.estimated[slot] }],
      ),
    );
    expect(flattened).toEqual(stored.map((i) => ({ at: i.intervalStart, kwh: i.kwh, flag: i.estimated })));

    // The day rows' totals agree with the file, in thousandths so the sums are exact.
    const totals = await dailyTotals(esiid, { fromDay: "2025-01-01", toDay: "2026-01-01" });
    const milli = (kwh: string | null) => (kwh === null ? 0 : Math.round(Number(kwh) * 1000));
    expect(totals.map((total) => total.day)).toEqual(days);
    for (const total of totals) {
      const ofDay = expected.filter((interval) => interval.day === total.day);
      expect(milli(total.kwh)).toBe(ofDay.reduce((sum, interval) => sum + milli(interval.kwh), 0));
      expect(total).toMatchObject({ intervals: ofDay.length, missing: 1, channel: "consumption" });
    }
    const months = await monthlyTotals(esiid, { fromDay: "2025-01-01", toDay: "2026-01-01" });
    expect(months.map((month) => [month.month, month.intervals])).toEqual([
      ["2025-03", 92 + 96],
      ["2025-11", 96 + 100],
    ]);
  });

  it("merges a re-posted overlapping month: newer revisions replace, new days insert, the rest is unchanged", async () => {
    const esiid = "10443720000000777";
    const first = await ingest("IntervalData.csv", portalNormalCsv("2024-01-01", 10, esiid));
    expect(first).toMatchObject({ rowsInserted: 960, rowsUpdated: 0 });
    const revised = [
      ...["2024-01-06", "2024-01-07", "2024-01-08", "2024-01-09", "2024-01-10"].flatMap((day) =>
        dayLines(day, { esiid, revisionDaysLater: 3, reading: (p) => (p < 10 ? 999 : undefined) }),
      ),
      ...dayLines("2024-01-11", { esiid }),
    ];
    const second = await ingest("IntervalData.csv", `${INTERVAL_HEADER}\n${revised.join("\n")}\n`);
    // A newer REVISION_DATE replaces every interval of its day, changed readings or not.
    expect(second).toMatchObject({ rowsInserted: 96, rowsUpdated: 5 * 96, rowsSkipped: 0 });
    const revisedDay = await storedIntervals({ esiid, fromDay: "2024-01-06", toDay: "2024-01-07" });
    expect(revisedDay.slice(0, 10).map((interval) => interval.kwh)).toEqual(Array(10).fill("0.99900"));
    expect(revisedDay.every((interval) => interval.rawFileId === second.rawFileId)).toBe(true);
    // The merged day's totals are recomputed from its merged slots.
    const [revisedTotal] = await dailyTotals(esiid, { fromDay: "2024-01-06", toDay: "2024-01-07" });
    const milliSum = revisedDay.reduce((sum, interval) => sum + Math.round(Number(interval.kwh) * 1000), 0);
    expect(Math.round(Number(revisedTotal.kwh) * 1000)).toBe(milliSum);
    expect(revisedTotal).toMatchObject({ intervals: 96, missing: 0, estimated: 0 });
    const untouched = await storedIntervals({ esiid, fromDay: "2024-01-05", toDay: "2024-01-06" });
    expect(untouched.every((interval) => interval.rawFileId === first.rawFileId)).toBe(true);

    // The first file again (other bytes): its older revisions of days 6–10 are skipped, days 1–5 are unchanged.
    const stale = await ingest("IntervalData.csv", `${portalNormalCsv("2024-01-01", 10, esiid)}\n`);
    expect(stale).toMatchObject({ rowsInserted: 0, rowsUpdated: 0, rowsSkipped: 960 });
    expect((await storedIntervals({ esiid, fromDay: "2024-01-06", toDay: "2024-01-07" }))[0].kwh).toBe("0.99900");
    expect(await intervalCount({ esiid })).toBe(11 * 96);
  });

  it("keeps surplus generation apart from consumption", async () => {
    const result = await ingest("IntervalData.csv", portalSolarCsv("alternating", "2025-06-01", 2));
    expect(result).toMatchObject({ rowsInserted: 384 });
    const mine = { rawFileId: result.rawFileId };
    expect(await intervalCount(mine, (interval) => interval.channel === "generation")).toBe(192);
    expect(await intervalCount(mine, (interval) => interval.channel === "consumption")).toBe(192);
  });

  it("reads every CSV of a ZIP bundle in one go: intervals and billing reads", async () => {
    const result = await ingest("DailyMeterUsage20260115093012.zip", await zipBundle());
    expect(result).toMatchObject({ status: "parsed", kind: "zip", rowsInserted: 96 + 3 });
    expect(result.entries.map((entry) => entry.kind)).toEqual(["interval-csv", "billing-csv"]);
    expect(await db().smtBillingRead.count({ where: { rawFileId: result.rawFileId } })).toBe(3);
    const read = await db().smtBillingRead.findFirstOrThrow({ where: { esiid: CENTERPOINT_ESIID } });
    expect(read.kwh?.toString()).toBe("893.5");
    expect(read.extra).toMatchObject({ TDSP_DUNS: "957877905", "Record Status": "ESTIMATED" });
  });

  it("rolls back a whole ZIP when one of its CSVs has malformed rows", async () => {
    const bad = portalNormalCsv("2024-05-01", 1).replace(/,A,Consumption\n/, ",Q,Consumption\n");
    const result = await ingest(
      "bundle.zip",
      await zipBundle([
        { name: "MonthlyBilling.csv", text: monthlyBillingCsv().replace("10/01/2025", "10/02/2025") },
        { name: "IntervalMeterUsage.csv", text: bad },
      ]),
    );
    expect(result).toMatchObject({ status: "failed", errorCount: 1 });
    expect(result.errors[0]).toMatchObject({ entry: "IntervalMeterUsage.csv", line: 2 });
    expect(await db().smtBillingRead.count({ where: { rawFileId: result.rawFileId } })).toBe(0);
  });

  it("loads an SMT JSON interval payload", async () => {
    const result = await ingest("intervalsynch.json", intervalJson());
    expect(result).toMatchObject({ status: "parsed", kind: "interval-json", esiids: [CENTERPOINT_ESIID] });
    expect(result.rowsInserted).toBe(96 + 96 + 92 + 100);
  });

  it("warns when the esiid sent with a file is not inside it", async () => {
    const result = await ingest(
      SUBSCRIPTION_FILE_NAME,
      `${INTERVAL_HEADER}\n${portalNormalCsv("2023-01-01", 1).split("\n").slice(1).join("\n")}`,
      CENTERPOINT_ESIID,
    );
    expect(result.warnings.map((w) => w.message).join("\n")).toMatch(/is not one of the ESIIDs inside it/);
  });

  it("derives the storage key from the SHA-256 and a safe basename", async () => {
    const result = await ingest("../../etc/passwd", portalNormalCsv("2023-02-01", 1));
    expect(result.filename).toBe("passwd");
    expect(result.storageKey).toBe(rawFileKey(result.sha256, "passwd"));
    expect(safeBasename("..")).toBe("upload.bin");
    expect(safeBasename("C:\\Users\\x\\IntervalData.csv")).toBe("IntervalData.csv");
    expect(safeBasename("a\u0000b;rm -rf.csv")).toBe("a_b_rm -rf.csv");
  });
});
