import pg from "pg";
import { connectionConfig, databaseTargetFromEnv } from "~/db/connection.server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usageView } from "./usage-view.server";

const ESIID = "10443720000000200";
let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client(connectionConfig(databaseTargetFromEnv()));
  await client.connect();
  const { rows } = await client.query(
    `INSERT INTO "SmtRawFile" (sha256, filename, "sizeBytes", "storageKey", source, status, esiid)
     VALUES ('view', 'IntervalData.csv', 1, 'smt/raw/view', 'upload', 'parsed', $1) RETURNING id`,
    [ESIID],
  );
  // Central days 2025-07-01, 07-02 and 07-20 (05:00 UTC is midnight CDT), 96 intervals of 0.25 kWh each.
  for (const day of ["2025-07-01", "2025-07-02", "2025-07-20"]) {
    await client.query(
      `INSERT INTO "SmtIntervalDay" (esiid, channel, day, "dayStart", kwh, estimated, "revisionAt", "rawFileIds",
                                     "totalKwh", intervals, "rawFileId")
       VALUES ($1, 'consumption', $2::date, $2::date + interval '5 hours', array_fill(0.25, ARRAY[96]),
               array_fill(false, ARRAY[96]), array_fill(NULL::timestamp, ARRAY[96]), array_fill($3::int, ARRAY[96]),
               24, 96, $3)`,
      [ESIID, day, rows[0].id],
    );
  }
});
afterAll(async () => {
  await client.end();
});

const view = (query: string) => usageView(new URLSearchParams(query));

describe("the SMT page's chart view", () => {
  it("defaults to the newest meter over the last 30 days of its data, whole days only", async () => {
    const shown = await view("");
    expect(shown.esiid).toBe(ESIID);
    expect(shown.range).toEqual({ from: "2025-06-21", to: "2025-07-20" });
    expect(shown.usage?.days.map((day) => day.day)).toEqual(["2025-07-01", "2025-07-02", "2025-07-20"]);
    expect(shown.usage?.totalConsumptionKwh).toBe(72);
    expect(shown.problem).toBeNull();
  });

  it("charts a chosen range exactly", async () => {
    const shown = await view(`esiid=${ESIID}&from=2025-07-02&to=2025-07-19`);
    expect(shown.range).toEqual({ from: "2025-07-02", to: "2025-07-19" });
    expect(shown.usage?.days.map((day) => day.day)).toEqual(["2025-07-02"]);
  });

  it.each([
    ["from=2025-02-31&to=2025-03-01", "Give both dates of the range as YYYY-MM-DD; showing the last 30 days."],
    ["from=2025-07-01", "Give both dates of the range as YYYY-MM-DD; showing the last 30 days."],
    ["from=2025-07-20&to=2025-07-01", "The range starts after it ends; showing the last 30 days."],
    ["from=2020-01-01&to=2025-07-01", "Choose a range of at most 731 days; showing the last 30 days."],
  ])("names a bad range (%s) in a sentence and shows the default", async (range, problem) => {
    const shown = await view(`esiid=${ESIID}&${range}`);
    expect(shown.problem).toBe(problem);
    expect(shown.range).toEqual({ from: "2025-06-21", to: "2025-07-20" });
  });

  it("refuses a parameter that is not an ESIID and charts the newest meter instead", async () => {
    const shown = await view("esiid=1' OR '1'='1");
    expect(shown.problem).toMatch(/is not an ESIID; showing the most recent meter instead\.$/);
    expect(shown.esiid).toBe(ESIID);
  });
});
