import { execFile } from "node:child_process";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import {
  INTERVAL_HEADER,
  dayLines,
  excelResavedCsv,
  monthlyBillingCsv,
  portalEstimatedThenRevised,
  portalFallCsv,
  portalNormalCsv,
  portalSolarCsv,
  portalSpringCsv,
  subscriptionCsv,
  twelveMonthSolarCsv,
} from "../../../tests/fixtures/smt/generate";
import { parseIntervalCsv } from "./interval-csv";
import type { IntervalRow } from "./interval";
import { HeaderError, inBatches } from "./types";

const execFileAsync = promisify(execFile);

async function parseText(text: string | Buffer) {
  const run = parseIntervalCsv(Readable.from([text]));
  const rows: IntervalRow[] = [];
  for await (const batch of run.batches) rows.push(...batch);
  return { rows, summary: run.summary() };
}

const iso = (row: IntervalRow | undefined) => row?.intervalStart.toISOString();
const byLine = (rows: IntervalRow[], line: number) => rows.find((row) => row.line === line);
const file = (lines: string[]) => `${INTERVAL_HEADER}\n${lines.join("\n")}\n`;

function expectContiguous(rows: IntervalRow[]) {
  for (let i = 1; i < rows.length; i++) {
    expect(rows[i].intervalStart.getTime() - rows[i - 1].intervalStart.getTime()).toBe(15 * 60_000);
  }
}

describe("parseIntervalCsv", () => {
  it("reads a portal export: 96 rows a day, Central labels turned into UTC interval starts", async () => {
    const { rows, summary } = await parseText(portalNormalCsv("2025-10-01", 3));
    expect(rows).toHaveLength(288);
    expect(rows[0]).toMatchObject({ esiid: "10443720000000001", channel: "consumption", estimated: false, line: 2 });
    expect(iso(rows[0])).toBe("2025-10-01T05:00:00.000Z");
    expect(rows[0].revisionAt.toISOString()).toBe("2025-10-02T12:41:07.000Z");
    expect(iso(rows[287])).toBe("2025-10-04T04:45:00.000Z");
    expect(rows[0].kwh).toMatch(/^\d\.\d{3}$/);
    expectContiguous(rows);
    expect(summary).toMatchObject({
      rowsRead: 288,
      rowsParsed: 288,
      rowsSkipped: 0,
      esiids: ["10443720000000001"],
      firstDay: "2025-10-01",
      lastDay: "2025-10-03",
      errors: [],
      warnings: [],
    });
  });

  it("skips and counts the four blank placeholders of spring-forward day 2026-03-08 and warns", async () => {
    const { rows, summary } = await parseText(portalSpringCsv("2026-03-08"));
    expect(rows).toHaveLength(92);
    expect(summary.rowsSkipped).toBe(4);
    expect(summary.warnings).toEqual([
      { line: 10, message: expect.stringContaining("DST spring-forward day 2026-03-08") },
    ]);
    expect(iso(byLine(rows, 9))).toBe("2026-03-08T07:45:00.000Z"); // 01:45 CST
    expect(iso(byLine(rows, 14))).toBe("2026-03-08T08:00:00.000Z"); // 03:00 CDT
    expect(byLine(rows, 10)).toBeUndefined();
    expectContiguous(rows);
  });

  it("handles spring-forward day 2025-03-09 the same way", async () => {
    const { rows, summary } = await parseText(portalSpringCsv("2025-03-09"));
    expect(rows).toHaveLength(92);
    expect(summary.rowsSkipped).toBe(4);
    expect(iso(rows[0])).toBe("2025-03-09T06:00:00.000Z");
    expect(iso(byLine(rows, 14))).toBe("2025-03-09T08:00:00.000Z");
    expect(iso(rows[91])).toBe("2025-03-10T04:45:00.000Z");
  });

  it("gives the 100 rows of fall-back day 2025-11-02 100 distinct starts, the misprinted `02:00,01:15` row 01:00 CST", async () => {
    const text = portalFallCsv("2025-11-02");
    expect(text.split("\n")[9]).toContain(",02:00,01:15,");
    const { rows, summary } = await parseText(text);
    expect(rows).toHaveLength(100);
    expect(new Set(rows.map((row) => row.intervalStart.getTime())).size).toBe(100);
    expect(iso(byLine(rows, 6))).toBe("2025-11-02T06:00:00.000Z"); // first 01:00, CDT
    expect(iso(byLine(rows, 10))).toBe("2025-11-02T07:00:00.000Z"); // the misprinted row: 01:00 CST
    expect(iso(byLine(rows, 14))).toBe("2025-11-02T08:00:00.000Z"); // 02:00 CST
    expect(iso(rows[99])).toBe("2025-11-03T05:45:00.000Z");
    expectContiguous(rows);
    expect(summary.warnings).toEqual([]);
  });

  it("handles fall-back day 2026-11-01 the same way", async () => {
    const { rows } = await parseText(portalFallCsv("2026-11-01"));
    expect(rows).toHaveLength(100);
    expect(iso(byLine(rows, 6))).toBe("2026-11-01T06:00:00.000Z");
    expect(iso(byLine(rows, 10))).toBe("2026-11-01T07:00:00.000Z");
    expectContiguous(rows);
  });

  for (const order of ["block-per-day", "alternating"] as const) {
    it(`keeps consumption and surplus generation as separate channels (${order})`, async () => {
      const { rows } = await parseText(portalSolarCsv(order, "2025-06-01", 3));
      expect(rows).toHaveLength(576);
      const consumption = rows.filter((row) => row.channel === "consumption");
      const generation = rows.filter((row) => row.channel === "generation");
      expect(consumption).toHaveLength(288);
      expect(generation).toHaveLength(288);
      expect(generation.map((row) => row.intervalStart.getTime())).toEqual(
        consumption.map((row) => row.intervalStart.getTime()),
      );
      expect(generation[0].kwh).toBe("0.000"); // midnight: no export
      expect(new Set(rows.map((row) => `${row.channel}|${iso(row)}`)).size).toBe(576);
    });
  }

  it("accepts channel spellings regardless of case and spacing, SurplusGeneration included", async () => {
    const lines = dayLines("2025-06-01", { channel: "Surplus Generation" }).map((line, i) =>
      line.replace(/Surplus Generation$/, i % 2 ? "SurplusGeneration" : "surplus generation"),
    );
    const { rows, summary } = await parseText(file(lines));
    expect(rows).toHaveLength(96);
    expect(rows.every((row) => row.channel === "generation")).toBe(true);
    expect(summary.errors).toEqual([]);
  });

  it("reads a blank kWh as missing (null) and 0.000 as a real zero", async () => {
    const lines = dayLines("2025-10-01", { reading: (p) => (p === 10 ? null : p === 11 ? 0 : undefined) });
    const { rows } = await parseText(file(lines));
    expect(rows).toHaveLength(96);
    expect(byLine(rows, 12)).toMatchObject({ kwh: null, estimated: false });
    expect(byLine(rows, 13)).toMatchObject({ kwh: "0.000" });
  });

  it("marks E rows estimated and exposes REVISION_DATE as revisionAt for the cross-file upsert", async () => {
    const { fileA, fileB } = portalEstimatedThenRevised("2025-12-28");
    const a = await parseText(fileA);
    const b = await parseText(fileB);
    const estimatedA = a.rows.filter((row) => row.estimated);
    expect(estimatedA).toHaveLength(16);
    expect(estimatedA.every((row) => row.kwh === "0.567")).toBe(true);
    expect(iso(estimatedA[0])).toBe("2025-12-28T23:45:00.000Z"); // 17:45 CST
    expect(b.rows.some((row) => row.estimated)).toBe(false);
    expect(b.rows[0].revisionAt.getTime()).toBeGreaterThan(a.rows[0].revisionAt.getTime());
  });

  it("keeps the latest REVISION_DATE per interval within one file, whichever comes first", async () => {
    const { fileA, fileB } = portalEstimatedThenRevised("2025-12-28");
    const body = (text: string) => text.split("\n").slice(1).join("\n");
    for (const text of [fileA + body(fileB), fileB + body(fileA)]) {
      const { rows, summary } = await parseText(text);
      expect(rows).toHaveLength(96);
      expect(rows.some((row) => row.estimated)).toBe(false);
      expect(rows.find((row) => iso(row) === "2025-12-28T23:45:00.000Z")?.kwh).toBe("0.402");
      expect(summary.rowsSkipped).toBe(96);
    }
  });

  it("skips an older revision of a day met again later in the file", async () => {
    const { fileA, fileB } = portalEstimatedThenRevised("2025-12-28");
    const body = (text: string) => text.split("\n").slice(1).join("\n");
    const text = fileB + body(portalNormalCsv("2025-12-29", 1)) + body(fileA);
    const { rows, summary } = await parseText(text);
    expect(rows).toHaveLength(192);
    expect(rows.some((row) => row.estimated)).toBe(false);
    expect(summary.warnings.some((warning) => warning.message.includes("older REVISION_DATE"))).toBe(true);
  });

  it("reports malformed rows with their line numbers and keeps the rest", async () => {
    const lines = dayLines("2025-10-01");
    lines[3] = lines[3].replace("10/01/2025", "13/45/2025"); // line 5
    lines[5] = lines[5].replace(/,\d\.\d{3},/, ",0.4x,"); // line 7
    lines[7] = `${lines[7]},extra`; // line 9
    lines[9] = lines[9].replace("Consumption", "Export"); // line 11
    const { rows, summary } = await parseText(file(lines));
    expect(summary.errors.map((error) => error.line)).toEqual([5, 7, 9, 11]);
    expect(summary.errors[0].message).toContain('USAGE_DATE "13/45/2025" is not a date');
    expect(summary.errors[1].message).toContain("USAGE_KWH");
    expect(summary.errors[2].message).toContain("9 fields; the header has 8");
    expect(summary.errors[3].message).toContain('"Export" is not a known channel');
    expect(rows).toHaveLength(92);
    expect(iso(byLine(rows, 6))).toBe("2025-10-01T06:00:00.000Z"); // timestamps fall back to the labels
    expect(summary.warnings[0].message).toContain("has 92 rows");
  });

  it("refuses year 0000, a start off the quarter hour, an end not 15 minutes later and a negative kWh", async () => {
    const lines = dayLines("2025-10-01");
    lines[1] = lines[1].replace("10/01/2025", "10/01/0000"); // line 3
    lines[3] = lines[3].replace(",00:45,", ",00:07,"); // line 5
    lines[5] = lines[5].replace(",01:15,01:30,", ",01:15,01:00,"); // line 7
    lines[7] = lines[7].replace(/,\d\.\d{3},/, ",-1.500,"); // line 9
    const { rows, summary } = await parseText(file(lines));
    expect(summary.errors.map((error) => error.line)).toEqual([3, 5, 7, 9]);
    expect(summary.errors[0].message).toContain('USAGE_DATE "10/01/0000" is not a date');
    expect(summary.errors[1].message).toContain('USAGE_START_TIME "00:07" is not on a 15-minute boundary');
    expect(summary.errors[2].message).toContain('USAGE_END_TIME "01:00" should be 15 minutes after');
    expect(summary.errors[3].message).toContain("-1.500 is negative");
    expect(rows).toHaveLength(92);
  });

  it("throws HeaderError naming the expected header when the header is wrong", async () => {
    await expect(parseText(monthlyBillingCsv())).rejects.toThrow(HeaderError);
    await expect(parseText(monthlyBillingCsv())).rejects.toThrow(/ESIID,USAGE_DATE,REVISION_DATE,USAGE_START_TIME/);
    await expect(parseText("")).rejects.toThrow(HeaderError);
  });

  it("keeps the last row of an e-mail subscription file without a final newline", async () => {
    const text = subscriptionCsv("2026-01-14");
    expect(text.endsWith("\n")).toBe(false);
    expect(text).toContain(", 00:00, 00:15,");
    const { rows, summary } = await parseText(text);
    expect(rows).toHaveLength(96);
    expect(summary.rowsRead).toBe(96);
    expect(rows[95]).toMatchObject({ kwh: "0.409", line: 97 });
    expect(iso(rows[95])).toBe("2026-01-15T05:45:00.000Z");
    expect(rows.slice(0, 4).map((row) => row.kwh)).toEqual(["0.4", "1", "0.31", "1.3"]);
  });

  it("reads an Excel re-save: M/D/YYYY, M/D/YYYY H:MM, H:MM and trimmed decimals", async () => {
    const text = excelResavedCsv("2025-05-13", 2);
    expect(text).toContain("'10443720000000001,5/13/2025,5/14/2025 7:43,0:00,0:15,");
    const { rows, summary } = await parseText(text);
    expect(rows).toHaveLength(192);
    expect(iso(rows[0])).toBe("2025-05-13T05:00:00.000Z");
    expect(rows[0].revisionAt.toISOString()).toBe("2025-05-14T12:43:00.000Z");
    expect(byLine(rows, 5)?.kwh).toBe("1.07");
    expect(summary.errors).toEqual([]);
  });

  it("reads CRLF line endings and a UTF-8 BOM like the plain file", async () => {
    const plain = await parseText(portalNormalCsv("2025-10-01", 1));
    const crlf = await parseText(Buffer.from(`\uFEFF${portalNormalCsv("2025-10-01", 1).replace(/\n/g, "\r\n")}`));
    expect(crlf.rows).toEqual(plain.rows);
  });

  it("warns once about an ESIID in no known layout and rejects one Excel turned into a number", async () => {
    const lines = dayLines("2025-10-01", { esiid: "10443720000000001001" });
    lines[0] = lines[0].replace("'10443720000000001001", "1.0089010238159e+21");
    const { rows, summary } = await parseText(file(lines));
    expect(rows).toHaveLength(95);
    expect(summary.warnings.filter((warning) => warning.message.includes("matches no known TDSP layout"))).toHaveLength(
      1,
    );
    expect(summary.errors[0]).toEqual({ line: 2, message: expect.stringContaining("turned into a number") });
  });

  it("takes a partial day's timestamps from its labels and says so", async () => {
    const lines = dayLines("2025-11-02").slice(0, 20);
    const { rows, summary } = await parseText(file(lines));
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((row) => row.intervalStart.getTime())).size).toBe(20);
    expect(iso(byLine(rows, 10))).toBe("2025-11-02T07:00:00.000Z");
    expectContiguous(rows);
    expect(summary.warnings[0].message).toContain("has 20 rows");
  });

  it("streams twelve months of solar data: 365 days × 192 rows plus the fall-back hour", async () => {
    const run = parseIntervalCsv(twelveMonthSolarCsv("2025-05-13"));
    let count = 0;
    for await (const batch of inBatches(run.batches, 5000)) count += batch.length;
    const summary = run.summary();
    expect(count).toBe(70_080);
    expect(summary).toMatchObject({
      rowsRead: 70_088,
      rowsSkipped: 8,
      firstDay: "2025-05-13",
      lastDay: "2026-05-12",
      errorCount: 0,
    });
  });

  it("refuses to give a summary before the rows are read", () => {
    const run = parseIntervalCsv(Readable.from([portalNormalCsv()]));
    expect(() => run.summary()).toThrow(/after every row/);
  });

  it("parses a 1,000,000-row stream with RSS growth under 64 MB, in a heap too small to hold its rows", async () => {
    // A child process with a 48 MB old space: 1M parsed rows held at once would need several hundred MB and crash
    // it, and V8's lazy collection in a shared test worker would make an in-process RSS figure meaningless.
    const bench = fileURLToPath(new URL("../../../tests/fixtures/smt/bench-interval-csv.ts", import.meta.url));
    const { stdout } = await execFileAsync(process.execPath, [
      "--max-old-space-size=48",
      "--import",
      "tsx",
      bench,
      "1000000",
    ]);
    const result = JSON.parse(stdout.trim().split("\n").pop() ?? "{}");
    expect(result).toMatchObject({ rows: 1_000_000, errors: 0 });
    expect(result.parsed + result.skipped).toBe(1_000_000);
    expect(result.peakRssGrowthMb).toBeLessThan(64);
  }, 120_000);
});
