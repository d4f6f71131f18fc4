import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  CENTERPOINT_ESIID,
  ONCOR_ESIID,
  dailyReadsCsv,
  monthlyBillingCsv,
  portalNormalCsv,
} from "../../../tests/fixtures/smt/generate";
import { parseBillingCsv, type BillingRead } from "./billing-csv";
import { HeaderError } from "./types";

async function parseText(text: string) {
  const run = parseBillingCsv(Readable.from([text]));
  const rows: BillingRead[] = [];
  for await (const batch of run.batches) rows.push(...batch);
  return { rows, summary: run.summary() };
}

describe("parseBillingCsv", () => {
  it("finds columns by alias and keeps unrecognised ones in extra", async () => {
    const { rows, summary } = await parseText(monthlyBillingCsv());
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({
      esiid: ONCOR_ESIID,
      meter: "144054330",
      readStart: "2025-10-01",
      readEnd: "2025-10-31",
      kwh: "1031.205",
      extra: {
        kw: "4.82",
        startReading: "24002.915",
        endReading: "25034.120",
        TDSP_DUNS: "1039940674000",
        "Record Status": "FINAL",
      },
      line: 2,
    });
    expect(rows[2]).toMatchObject({
      esiid: CENTERPOINT_ESIID,
      kwh: "893.5",
      extra: { TDSP_DUNS: "957877905", "Record Status": "ESTIMATED" },
    });
    expect(summary.columns).toEqual({
      recognised: {
        esiid: "ESI_ID",
        meter: "Meter Number",
        readStart: "Start Date",
        readEnd: "End Date",
        startReading: "Start Reading",
        endReading: "End Reading",
        kwh: "actualKWH",
        kw: "meteredKW",
      },
      extra: ["TDSP_DUNS", "Record Status"],
    });
    expect(summary).toMatchObject({
      rowsParsed: 3,
      firstDay: "2025-10-01",
      lastDay: "2025-11-30",
      esiids: [CENTERPOINT_ESIID, ONCOR_ESIID],
    });
  });

  it("uses a single read date as both start and end and strips the ESIID apostrophe", async () => {
    const { rows } = await parseText(dailyReadsCsv());
    expect(rows.map((row) => [row.esiid, row.readStart, row.readEnd, row.kwh])).toEqual([
      [ONCOR_ESIID, "2026-04-21", "2026-04-21", "36.492"],
      [ONCOR_ESIID, "2026-04-22", "2026-04-22", "32.087"],
    ]);
    expect(rows[0].extra.revisionDate).toBe("04/22/2026 07:41:22");
  });

  it("reads semicolon-delimited files with quoted fields and ISO dates", async () => {
    const { rows } = await parseText(`"esi id";"usage_date";"usage kwh"\n"${ONCOR_ESIID}";"2026-01-05";"12.5"\n`);
    expect(rows).toEqual([
      {
        esiid: ONCOR_ESIID,
        meter: "",
        readStart: "2026-01-05",
        readEnd: "2026-01-05",
        kwh: "12.5",
        extra: {},
        line: 2,
      },
    ]);
  });

  it("reports bad rows by line and skips a repeated read", async () => {
    const text = [
      "esiid,startDate,endDate,kwh",
      `${ONCOR_ESIID},01/01/2026,01/31/2026,100`,
      `${ONCOR_ESIID},02/30/2026,03/01/2026,100`,
      `${ONCOR_ESIID},03/01/2026,03/31/2026,lots`,
      `1.0089010238159e+21,03/01/2026,03/31/2026,1`,
      `${ONCOR_ESIID},01/01/2026,01/31/2026,100`,
    ].join("\n");
    const { rows, summary } = await parseText(text);
    expect(rows).toHaveLength(1);
    expect(summary.errors.map((error) => error.line)).toEqual([3, 4, 5]);
    expect(summary.rowsSkipped).toBe(1);
    expect(summary.warnings[0]).toMatchObject({ line: 6, message: expect.stringContaining("repeats line 2") });
  });

  it("throws HeaderError when there is no ESIID or no date column", async () => {
    await expect(parseText("meter,kwh\n1,2\n")).rejects.toThrow(HeaderError);
    await expect(parseText("esiid,kwh\n1,2\n")).rejects.toThrow(/no a date column/);
  });

  it("recognises USAGE_DATE and USAGE_KWH too, so detectSmtFile must pick the parser first", async () => {
    const { summary } = await parseText(portalNormalCsv("2025-10-01", 1));
    expect(summary.columns.recognised).toMatchObject({ esiid: "ESIID", readDate: "USAGE_DATE", kwh: "USAGE_KWH" });
  });
});
