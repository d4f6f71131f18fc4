// The explorer routes through the real built app: every one refuses a visitor who is not signed in.
import pg from "pg";
import { connectionConfig, databaseTargetFromEnv } from "~/db/connection.server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInCookie, startPortal, type RunningPortal } from "../../tests/support/portal-server";

let portal: RunningPortal;
let cookie: string;
const pk = Buffer.from(JSON.stringify(["1"])).toString("base64url");

beforeAll(async () => {
  const client = new pg.Client(connectionConfig(databaseTargetFromEnv()));
  await client.connect();
  await client.query(
    `INSERT INTO "SmtRawFile" (id, sha256, filename, "sizeBytes", "storageKey", source)
     VALUES (1, 'a', 'one.csv', 5, 'smt/one.csv', 'upload')`,
  );
  await client.query(
    `INSERT INTO "SmtIntervalDay" (esiid, channel, day, "dayStart", kwh, estimated, "revisionAt", "rawFileIds",
                                   "totalKwh", intervals, "rawFileId")
     VALUES ('10443720000000001', 'consumption', '2026-01-01', '2026-01-01 06:00', ARRAY[1.25], ARRAY[false],
             ARRAY[NULL::timestamp], ARRAY[1], 1.25, 1, 1)`,
  );
  await client.end();
  portal = await startPortal();
  cookie = await signInCookie(portal.baseUrl, portal.adminToken);
});

afterAll(async () => {
  await portal?.stop();
});

describe("explorer routes", () => {
  it.each([
    "/admin/database",
    "/admin/database/SmtIntervalDay",
    `/admin/database/SmtRawFile/row?pk=${pk}`,
    "/admin/database/SmtIntervalDay/export?format=csv",
  ])("sends a visitor without a session to sign in: %s", async (path) => {
    const response = await fetch(`${portal.baseUrl}${path}`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    expect(await response.text()).not.toContain("10443720000000001");
  });

  it("answers a client-side data request without a session with a redirect, not data", async () => {
    const response = await fetch(`${portal.baseUrl}/admin/database/SmtIntervalDay.data`, { redirect: "manual" });
    const body = await response.text();
    expect(body).toContain("/login?redirectTo=");
    expect(body).not.toContain("10443720000000001");
  });

  it("serves the model list, table, row page and export to an operator", async () => {
    const get = (path: string) => fetch(`${portal.baseUrl}${path}`, { headers: { cookie }, redirect: "manual" });
    const list = await get("/admin/database");
    expect(list.status).toBe(200);
    expect(await list.text()).toContain("SmtIntervalDay");

    const table = await get("/admin/database/SmtIntervalDay?totalKwh.gte=1");
    expect(table.status).toBe(200);
    expect(await table.text()).toContain("10443720000000001");

    const row = await get(`/admin/database/SmtRawFile/row?pk=${pk}`);
    expect(row.status).toBe(200);
    expect(await row.text()).toContain("smt/one.csv");

    const csv = await get("/admin/database/SmtIntervalDay/export?format=csv&col=esiid&col=totalKwh");
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.headers.get("content-disposition")).toMatch(/attachment; filename="SmtIntervalDay-.*\.csv"/);
    expect(await csv.text()).toBe("esiid,totalKwh\r\n10443720000000001,1.25000\r\n");
  });

  it("neutralises spreadsheet formulas in CSV cells, and keeps negative numbers as numbers", async () => {
    const client = new pg.Client(connectionConfig(databaseTargetFromEnv()));
    await client.connect();
    await client.query(
      `INSERT INTO "SmtRawFile" (id, sha256, filename, "sizeBytes", "storageKey", source, kind, meter)
       VALUES (2, '@SUM(1+1)', '=HYPERLINK("http://evil.example","x")', 5, '+cmd|'' /C calc''!A0', 'upload',
               '-2+3', E'\t=1+1')`,
    );
    await client.query(
      `INSERT INTO "SmtIntervalDay" (esiid, channel, day, "dayStart", kwh, estimated, "revisionAt", "rawFileIds",
                                     "totalKwh", intervals, "rawFileId")
       VALUES ('10443720000000002', 'generation', '2026-01-01', '2026-01-01 06:00', ARRAY[-0.5], ARRAY[false],
               ARRAY[NULL::timestamp], ARRAY[2], -0.5, 1, 2)`,
    );
    await client.end();
    const get = (path: string) => fetch(`${portal.baseUrl}${path}`, { headers: { cookie } });
    const files = await get(
      "/admin/database/SmtRawFile/export?format=csv&id.eq=2&col=filename&col=sha256&col=storageKey&col=kind&col=meter",
    );
    expect(await files.text()).toBe(
      "sha256,filename,storageKey,kind,meter\r\n" +
        `'@SUM(1+1),"'=HYPERLINK(""http://evil.example"",""x"")",'+cmd|' /C calc'!A0,'-2+3,'\t=1+1\r\n`,
    );
    const intervals = await get(
      "/admin/database/SmtIntervalDay/export?format=csv&rawFileId.eq=2&col=totalKwh&col=esiid",
    );
    expect(await intervals.text()).toBe("esiid,totalKwh\r\n10443720000000002,-0.50000\r\n");
  });

  it("answers an unknown model or row with 404, not 500", async () => {
    const get = (path: string) => fetch(`${portal.baseUrl}${path}`, { headers: { cookie }, redirect: "manual" });
    expect((await get("/admin/database/NoSuchModel")).status).toBe(404);
    expect(
      (await get(`/admin/database/SmtRawFile/row?pk=${Buffer.from('["999"]').toString("base64url")}`)).status,
    ).toBe(404);
    expect((await get("/admin/database/NoSuchModel/export")).status).toBe(404);
  });
});
