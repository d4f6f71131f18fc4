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
    `INSERT INTO "SmtRawFile" (id, sha256, filename, "sizeBytes", "storageKey", source) VALUES (1, 'a', 'one.csv', 5, 'smt/one.csv', 'upload')`,
  );
  await client.query(
    `INSERT INTO "SmtInterval" (esiid, channel, "intervalStart", kwh, "rawFileId") VALUES ('10443720000000001', 'consumption', '2026-01-01', 1.25, 1)`,
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
    "/admin/database/SmtInterval",
    `/admin/database/SmtRawFile/row?pk=${pk}`,
    "/admin/database/SmtInterval/export?format=csv",
  ])("sends a visitor without a session to sign in: %s", async (path) => {
    const response = await fetch(`${portal.baseUrl}${path}`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    expect(await response.text()).not.toContain("10443720000000001");
  });

  it("answers a client-side data request without a session with a redirect, not data", async () => {
    const response = await fetch(`${portal.baseUrl}/admin/database/SmtInterval.data`, { redirect: "manual" });
    const body = await response.text();
    expect(body).toContain("/login?redirectTo=");
    expect(body).not.toContain("10443720000000001");
  });

  it("serves the model list, table, row page and export to an operator", async () => {
    const get = (path: string) => fetch(`${portal.baseUrl}${path}`, { headers: { cookie }, redirect: "manual" });
    const list = await get("/admin/database");
    expect(list.status).toBe(200);
    expect(await list.text()).toContain("SmtInterval");

    const table = await get("/admin/database/SmtInterval?kwh.gte=1");
    expect(table.status).toBe(200);
    expect(await table.text()).toContain("10443720000000001");

    const row = await get(`/admin/database/SmtRawFile/row?pk=${pk}`);
    expect(row.status).toBe(200);
    expect(await row.text()).toContain("smt/one.csv");

    const csv = await get("/admin/database/SmtInterval/export?format=csv&col=esiid&col=kwh");
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.headers.get("content-disposition")).toMatch(/attachment; filename="SmtInterval-.*\.csv"/);
    expect(await csv.text()).toBe("esiid,kwh\r\n10443720000000001,1.2500\r\n");
  });

  it("answers an unknown model or row with 404, not 500", async () => {
    const get = (path: string) => fetch(`${portal.baseUrl}${path}`, { headers: { cookie }, redirect: "manual" });
    expect((await get("/admin/database/NoSuchModel")).status).toBe(404);
    expect(
      (await get(`/admin/database/SmtRawFile/row?pk=${Buffer.from('["999"]').toString("base64url")}`)).status,
    ).toBe(404);
    expect((await get("/admin/database/SmtRawFile/row?pk=garbage")).status).toBe(404);
    expect((await get("/admin/database/NoSuchModel/export")).status).toBe(404);
  });
});
