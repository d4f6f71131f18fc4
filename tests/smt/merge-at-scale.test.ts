import { describe, expect, it } from "vitest";
import { RowWriter } from "~/smt/row-writer.server";
import { connectedClient } from "../support/database-client";

const client = connectedClient();

const kwh = `{${Array(96).fill("0.5").join(",")}}`;
const flags = `{${Array(96).fill("f").join(",")}}`;

/** `count` complete days of one meter from `firstDay` on, as COPY lines for the stage (one revision a day). */
function dayLines(esiid: string, firstDay: number, count: number): string {
  let text = "";
  for (let index = firstDay; index < firstDay + count; index++) {
    const day = new Date(Date.UTC(2022, 0, 1) + index * 86_400_000).toISOString().slice(0, 10);
    text += `${esiid}\tconsumption\t${day}\t${day} 06:00:00\t${kwh}\t${flags}\t\\N\t2023-01-01 00:00:00\t\\N\t48.00000\t96\t0\t0\n`;
  }
  return text;
}

describe("SMT day merge on a large table", () => {
  it("finds each stored day through the primary key, never by reading the whole table, batch after batch", async () => {
    // 30,000 stored days of other meters, known to the planner.
    await client().query(`
      INSERT INTO "SmtIntervalDay" ("esiid", "channel", "day", "dayStart", "kwh", "estimated", "revisionAt",
        "rawFileIds", "totalKwh", "intervals", "missing", "estimatedCount")
      SELECT '10443729' || lpad(m::text, 9, '0'), 'consumption', DATE '2020-01-01' + d,
             TIMESTAMP '2020-01-01 06:00' + d * interval '1 day', array_fill(0.5::numeric, ARRAY[96]),
             array_fill(false, ARRAY[96]), array_fill(TIMESTAMP '2021-01-01', ARRAY[96]), array_fill(NULL::int, ARRAY[96]),
             48, 96, 0, 0
      FROM generate_series(1, 100) m, generate_series(0, 299) d`);
    await client().query(`ANALYZE "SmtIntervalDay"`);
    const file = await client().query<{ id: number }>(
      `INSERT INTO "SmtRawFile" (sha256, filename, "sizeBytes", "storageKey", source, status)
       VALUES (md5('merge-at-scale'), 'IntervalData.csv', 1, 'smt/raw/x', 'upload', 'received') RETURNING id`,
    );

    await client().query("BEGIN");
    try {
      const writer = new RowWriter(client(), file.rows[0].id);
      // 80 merge statements of 256 days each, as a file of 20,480 days (two million intervals) would send them.
      for (let batch = 0; batch < 80; batch++) {
        const esiid = `1044372${String(batch).padStart(10, "0")}`;
        const written = await writer.writeDays({
          copyText: dayLines(esiid, 0, 256),
          offered: 256 * 96,
          received: 256 * 96,
        });
        expect(written.inserted).toBe(256 * 96);
      }
      // This transaction's own scans of the table, counted by PostgreSQL as they happen.
      const scans = await client().query<{ seq_scan: string }>(
        `SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relid = '"SmtIntervalDay"'::regclass`,
      );
      expect(Number(scans.rows[0].seq_scan)).toBe(0);
    } finally {
      await client().query("ROLLBACK");
    }
  });
});
