// Bad view URLs through the real built app: every one answers 400 with the reason, never a 500.
import pg from "pg";
import { connectionConfig, databaseTargetFromEnv } from "~/db/connection.server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInCookie, startPortal, type RunningPortal } from "../../tests/support/portal-server";

let portal: RunningPortal;
let cookie: string;
const token = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString("base64url");

beforeAll(async () => {
  const client = new pg.Client(connectionConfig(databaseTargetFromEnv()));
  await client.connect();
  await client.query(
    `INSERT INTO "SmtRawFile" (id, sha256, filename, "sizeBytes", "storageKey", source)
     VALUES (1, 'a', 'one.csv', 5, 'smt/one.csv', 'upload')`,
  );
  await client.query(
    `INSERT INTO "IngestRun" (trigger, status, "leaseExpiresAt") VALUES ('manual', 'succeeded', now())`,
  );
  // More rows than the exact-count limit, so SmtIntervalDay pages by keyset cursor.
  await client.query(
    `INSERT INTO "SmtIntervalDay" (esiid, channel, day, "dayStart", kwh, estimated, "revisionAt", "rawFileIds",
                                   "totalKwh", intervals, "rawFileId")
     SELECT '10443720000000001', 'consumption', '2000-01-01'::date + i, '2000-01-01 06:00'::timestamp + i * interval '1 day',
            ARRAY[1.25], ARRAY[false], ARRAY[NULL::timestamp], ARRAY[1], 1.25, 1, 1
       FROM generate_series(0, 10099) i`,
  );
  await client.end();
  portal = await startPortal();
  cookie = await signInCookie(portal.baseUrl, portal.adminToken);
});

afterAll(async () => {
  await portal?.stop();
});

const get = (path: string) => fetch(`${portal.baseUrl}${path}`, { headers: { cookie }, redirect: "manual" });

describe("bad view URLs", () => {
  it.each([
    ["/admin/database/IngestRun?id.eq=99999999999", /id: 99999999999 is out of range/],
    ["/admin/database/SmtRawFile?sizeBytes.gte=9999999999999999999", /sizeBytes: 9999999999999999999 is out of range/],
    ["/admin/database/IngestRun?startedAt.gte=2026-99-99", /startedAt: &quot;2026-99-99&quot; is not a valid date/],
    ["/admin/database/IngestRun?startedAt.lt=2026-02-30", /startedAt: &quot;2026-02-30&quot; is not a valid date/],
    ["/admin/database/IngestRun?startedAt.lt=2026-01-01T25:00", /is not a valid date and time/],
    ["/admin/database/IngestRun?page=1e10", /page must be a whole number from 1 to/],
    ["/admin/database/IngestRun?size=lots", /size must be a whole number from 1 to 500/],
    ["/admin/database/SmtRawFile?filename.eq=a%00b", /filename: text cannot contain a NUL character/],
    ["/admin/database/SmtRawFile?q=%00", /The search text cannot contain a NUL character/],
    [`/admin/database/SmtIntervalDay?after=${token(["x", "consumption", "not a day"])}`, /page link does not fit/],
    [`/admin/database/SmtIntervalDay?after=${token(["x", "consumption", "2026-02-30"])}`, /page link does not fit/],
    [`/admin/database/SmtIntervalDay?before=${token(["x", "nope", "2026-01-01"])}`, /page link does not fit/],
    [`/admin/database/SmtIntervalDay?after=${token([1, 2])}`, /page link does not fit/],
    ["/admin/database/SmtIntervalDay?after=garbage", /page link does not fit/],
  ])("answers 400 with the reason for %s", async (path, reason) => {
    const response = await get(path);
    const body = await response.text();
    expect(response.status).toBe(400);
    expect(body).toMatch(reason);
  });

  it("still shows the table, without the bad filter, under the message", async () => {
    const response = await get("/admin/database/SmtRawFile?sizeBytes.gte=9999999999999999999");
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("smt/one.csv");
  });

  it.each([
    [`/admin/database/SmtRawFile/row?pk=${token(["abc"])}`, /This row link is damaged: id: &quot;abc&quot;/],
    [`/admin/database/SmtRawFile/row?pk=${token(["99999999999"])}`, /This row link is damaged: id: 99999999999/],
    ["/admin/database/SmtRawFile/row?pk=garbage", /This row link is damaged/],
    [
      `/admin/database/SmtRawFile/row?pk=${token(["1"])}&intervalDays.after=${token(["x", "y", "z"])}`,
      /page link does not fit/,
    ],
  ])("answers 400 for a crafted row token: %s", async (path, reason) => {
    const response = await get(path);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(reason);
  });

  it.each([
    ["/admin/database/IngestRun/export?format=csv&id.eq=99999999999", /id: 99999999999 is out of range/],
    ["/admin/database/IngestRun/export?format=json&startedAt.gte=2026-99-99", /is not a valid date/],
    ["/admin/database/SmtRawFile/export?q=%00", /NUL character/],
  ])("refuses to export a view it cannot honour: %s", async (path, reason) => {
    const response = await get(path);
    expect(response.status).toBe(400);
    expect(response.headers.get("content-disposition")).toBeNull();
    expect(await response.text()).toMatch(reason);
  });

  it("answers an absurd model name with 404, not 500", async () => {
    expect((await get(`/admin/database/${"M".repeat(300)}`)).status).toBe(404);
    expect((await get(`/admin/database/${"M".repeat(300)}/export`)).status).toBe(404);
  });
});
