import { describe, expect, it } from "vitest";
import type { IntervalRow } from "./parse/interval";
import { DayBuffer } from "./interval-days";
import { RowWriter } from "./row-writer.server";
import { chartedEsiids, dailyUsage } from "./usage.server";
import { connectedClient } from "../../tests/support/database-client";

const client = connectedClient();

async function storeFile(esiid: string, receivedAt: string, day: string) {
  const { rows } = await client().query(
    `INSERT INTO "SmtRawFile" (sha256, filename, "sizeBytes", "storageKey", source, status, esiid, "receivedAt")
     VALUES (md5($1 || $2), 'IntervalData.csv', 1, 'smt/raw/x', 'upload', 'parsed', $1, $2::timestamptz AT TIME ZONE 'UTC') RETURNING id`,
    [esiid, receivedAt],
  );
  // 96 quarter hours from 05:00 UTC: the last hour of the Central day before, then most of `day`.
  const start = Date.parse(`${day}T05:00:00Z`);
  const intervals: IntervalRow[] = Array.from({ length: 96 }, (_, i) => ({
    esiid,
    channel: "consumption",
    intervalStart: new Date(start + i * 900_000),
    kwh: "0.25",
    estimated: false,
    revisionAt: new Date(start + 86_400_000),
    line: i + 2,
  }));
  await client().query("BEGIN");
  const days = new DayBuffer();
  days.add(intervals);
  await new RowWriter(client(), rows[0].id).writeDays(days.take(rows[0].id));
  await client().query("COMMIT");
}

describe("daily usage for the chart", () => {
  it("offers the ESIIDs of the newest files first, even when many others sort before them", async () => {
    for (let i = 0; i < 14; i++)
      await storeFile(`10089010${String(i).padStart(14, "0")}`, "2026-01-01T00:00:00Z", "2025-12-01");
    await storeFile("10443720000000099", "2026-02-01T00:00:00Z", "2026-01-15");

    const esiids = await chartedEsiids(12);
    expect(esiids).toHaveLength(12);
    expect(esiids[0]).toBe("10443720000000099");
    expect((await dailyUsage(esiids[0])).days).toEqual([
      { day: "2026-01-14", consumptionKwh: 1, generationKwh: 0, missing: 0 },
      { day: "2026-01-15", consumptionKwh: 23, generationKwh: 0, missing: 0 },
    ]);
  });

  it("charts exactly the Central days of a chosen range, whatever the newest reading", async () => {
    // 05:00 UTC is midnight CDT: each stored day is one Central day, 96 intervals of 0.25 kWh.
    await storeFile("10443720000000100", "2026-02-02T00:00:00Z", "2025-07-01");
    await storeFile("10443720000000100", "2026-02-03T00:00:00Z", "2025-07-03");
    await storeFile("10443720000000100", "2026-02-04T00:00:00Z", "2025-09-01");

    const usage = await dailyUsage("10443720000000100", { from: "2025-07-01", to: "2025-07-03" });
    expect(usage.days.map((day) => [day.day, day.consumptionKwh])).toEqual([
      ["2025-07-01", 24],
      ["2025-07-03", 24],
    ]);
    expect(usage.totalConsumptionKwh).toBe(48);
  });
});
