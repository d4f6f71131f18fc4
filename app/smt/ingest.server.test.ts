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

const intervalCount = (where: object = {}) => db().smtInterval.count({ where });

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
    const first = await db().smtInterval.findFirst({
      where: { esiid: ONCOR_ESIID },
      orderBy: { intervalStart: "asc" },
    });
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
    const estimatedSlot = await db().smtInterval.findMany({
      where: {
        esiid: ONCOR_ESIID,
        intervalStart: { gte: new Date("2025-12-28T06:00:00Z"), lt: new Date("2025-12-29T06:00:00Z") },
      },
      orderBy: { intervalStart: "asc" },
    });
    expect(estimatedSlot).toHaveLength(96);
    expect(estimatedSlot[ESTIMATED_POSITIONS.first]).toMatchObject({ estimated: false, rawFileId: b.rawFileId });
    expect(estimatedSlot[ESTIMATED_POSITIONS.first].kwh?.toString()).toBe("0.402");

    // File A again under other bytes (a trailing blank line): its older revision is skipped.
    const stale = await ingest("IntervalData (2).csv", `${fileA}\n`);
    expect(stale).toMatchObject({ rowsInserted: 0, rowsUpdated: 0, rowsSkipped: 96 });
    const still = await db().smtInterval.findUnique({
      where: {
        esiid_channel_intervalStart: {
          esiid: ONCOR_ESIID,
          channel: "consumption",
          intervalStart: estimatedSlot[ESTIMATED_POSITIONS.first].intervalStart,
        },
      },
    });
    expect(still?.kwh?.toString()).toBe("0.402");
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
    expect(
      await intervalCount({
        intervalStart: { gte: new Date("2025-08-01T05:00:00Z"), lt: new Date("2025-08-02T05:00:00Z") },
      }),
    ).toBe(0);
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

  it("keeps surplus generation apart from consumption", async () => {
    const result = await ingest("IntervalData.csv", portalSolarCsv("alternating", "2025-06-01", 2));
    expect(result).toMatchObject({ rowsInserted: 384 });
    expect(await intervalCount({ rawFileId: result.rawFileId, channel: "generation" })).toBe(192);
    expect(await intervalCount({ rawFileId: result.rawFileId, channel: "consumption" })).toBe(192);
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
