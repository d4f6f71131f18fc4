import pg from "pg";
import { expect, it } from "vitest";
import { connectionConfig } from "~/db/connection.server";
import { appDatabase } from "~/db/target.server";
import { processStoredExtracts } from "~/esiid/process.server";
import { csvStream } from "../fakes/ercot/csv";
import { storeExtract } from "./stored-extracts";

const fakeFul = (tdsp: string, seed: number, bytes: number) =>
  csvStream({ tdsp, seed, bytes, layout: 22, lineEnding: "\r\n" });

it("readers querying during a FUL load never see a missing or half-loaded TDSP", async () => {
  await storeExtract({
    tdsp: "CENTERPOINT",
    kind: "FUL",
    publishedAt: "2026-08-03T23:11:58Z",
    csv: fakeFul("CENTERPOINT", 1, 3_000_000),
  });
  await storeExtract({
    tdsp: "TNMP",
    kind: "FUL",
    publishedAt: "2026-08-03T23:11:58Z",
    csv: fakeFul("TNMP", 2, 500_000),
  });
  await processStoredExtracts({ wait: true });

  const reader = new pg.Client(connectionConfig(appDatabase()));
  await reader.connect();
  const count = async () => {
    const { rows } = await reader.query<{ cp: string; tnmp: string }>(
      `SELECT count(*) FILTER (WHERE "tdsp" = 'CENTERPOINT') AS cp, count(*) FILTER (WHERE "tdsp" = 'TNMP') AS tnmp
         FROM "EsiidPremise"`,
    );
    return { cp: Number(rows[0].cp), tnmp: Number(rows[0].tnmp) };
  };
  try {
    const before = await count();
    expect(before.cp).toBeGreaterThan(10_000);

    await storeExtract({
      tdsp: "CENTERPOINT",
      kind: "FUL",
      publishedAt: "2026-09-07T23:11:58Z",
      csv: fakeFul("CENTERPOINT", 3, 4_000_000),
    });
    const seen: Array<{ cp: number; tnmp: number }> = [];
    let loading = true;
    const processing = processStoredExtracts({ wait: true }).finally(() => {
      loading = false;
    });
    while (loading) seen.push(await count());
    const outcome = await processing;
    const after = await count();

    expect(outcome.busy === false && outcome.files.map((file) => file.status)).toEqual(["applied"]);
    expect(after.cp).toBeGreaterThan(before.cp);
    expect(seen.length).toBeGreaterThan(5);
    for (const observed of seen) {
      expect([before.cp, after.cp]).toContain(observed.cp);
      expect(observed.tnmp).toBe(before.tnmp);
    }
  } finally {
    await reader.end();
  }
});
