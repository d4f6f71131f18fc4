import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "~/db/prisma.server";
import type { PremiseSearchResult } from "~/esiid/types";
import { startFakeErcot, type FakeErcot } from "../fakes/ercot/server";
import { TEST_ADMIN_TOKEN, TEST_CRON_SECRET } from "../support/per-file-database";
import { signInCookie, startPortal, type RunningPortal } from "../support/portal-server";

let fake: FakeErcot;
let portal: RunningPortal;
let cookie: string;

beforeAll(async () => {
  // A day whose four-day window holds the month's FUL set (first Monday, 2026-06-01).
  fake = await startFakeErcot({ today: "2026-06-03" });
  portal = await startPortal({ env: { ERCOT_PAGE_URL: fake.pageUrl } });
  cookie = await signInCookie(portal.baseUrl, TEST_ADMIN_TOKEN);
  const run = await fetch(`${portal.baseUrl}/api/admin/ercot/cron?token=${TEST_CRON_SECRET}`);
  expect(run.status).toBe(200);
});
afterAll(async () => {
  await portal?.stop();
  await fake?.stop();
});

const bearer = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const api = async (query: Record<string, string>, headers: Record<string, string> = bearer) => {
  const response = await fetch(`${portal.baseUrl}/api/admin/esiid?${new URLSearchParams(query)}`, { headers });
  return { status: response.status, body: (await response.json()) as PremiseSearchResult & { ok: boolean } };
};
const page = (path: string) => fetch(`${portal.baseUrl}${path}`, { headers: { cookie }, redirect: "manual" });

describe("ESIID premises from the ERCOT ingest", () => {
  it("applies every file the cron run stored, the FULs first, and records each file's state", async () => {
    const stored = await db().ercotIngest.findMany({ where: { status: "stored" } });
    const states = await db().esiidExtractFile.findMany();
    expect(stored.length).toBeGreaterThan(0);
    expect(states.map((state) => state.docId).sort()).toEqual(stored.map((file) => file.docId).sort());
    expect(states.filter((state) => state.status === "failed")).toEqual([]);
    expect(states.some((state) => state.kind === "FUL" && state.status === "applied" && state.rows > 0)).toBe(true);
    expect(await db().esiidPremise.count()).toBeGreaterThan(100);
  });

  it("finds a premise by a partial, differently written address", async () => {
    const premise = await db().esiidPremise.findFirstOrThrow({
      where: { tdsp: "ONCOR_ELEC", address: { contains: "O'CONNOR" } },
    });
    // "08744     O'CONNOR   LN" is typed as "8744 oconnor fort worth" (or the premise's own city).
    const houseNumber = premise.address!.trim().split(/\s+/)[0].replace(/^0+/, "");
    const q = `${houseNumber} oconnor ${premise.city!.toLowerCase()}`;
    const { status, body } = await api({ q });
    expect(status).toBe(200);
    expect(body.mode).toBe("address");
    expect(body.results[0].esiid).toBe(premise.esiid);
    expect(body.results[0]).toMatchObject({
      tdsp: "ONCOR_ELEC",
      status: premise.status,
      meterReadCycle: premise.meterReadCycle,
    });
  });

  it("matches a number at the start of a word only: 670 is no part of ZIP 76701", async () => {
    const waco = await db().esiidPremise.findFirstOrThrow({ where: { zipcode: { startsWith: "76701" } } });
    expect(waco.searchText.split(" ").some((word) => word.startsWith("670"))).toBe(false);
    const inner = await api({ q: "670", zip: "76701", pageSize: "100" });
    expect(inner.body.mode).toBe("address");
    const startsAWord = (hit: PremiseSearchResult["results"][number]) =>
      `${hit.address} ${hit.city} ${hit.zipcode?.slice(0, 5)}`
        .split(/[^A-Za-z0-9]+/)
        .some((word) => word.replace(/^0+/, "").startsWith("670"));
    expect(inner.body.results.every(startsAWord)).toBe(true);
    expect(inner.body.results.map((hit) => hit.esiid)).not.toContain(waco.esiid);
    // Numbers alone (nothing else narrows the search) go through the trigram index, with the same rule.
    const numbersOnly = await api({ q: "670", pageSize: "100" });
    expect(numbersOnly.body.results.every(startsAWord)).toBe(true);
    expect(numbersOnly.body.results.map((hit) => hit.esiid)).not.toContain(waco.esiid);
    // The same premise is still found by its house number and street, and with its whole ZIP typed as a word.
    const houseAndStreet = waco.searchText.split(" ").slice(0, 2).join(" ");
    const own = await api({ q: houseAndStreet, zip: "76701", pageSize: "100" });
    expect(own.body.results.map((hit) => hit.esiid)).toContain(waco.esiid);
    const withZip = await api({ q: `${houseAndStreet} 76701`, pageSize: "100" });
    expect(withZip.body.results.map((hit) => hit.esiid)).toContain(waco.esiid);
  });

  it("finds ESIIDs by exact value and by prefix", async () => {
    const premise = await db().esiidPremise.findFirstOrThrow({ where: { tdsp: "CENTERPOINT" } });
    const exact = await api({ q: premise.esiid });
    expect(exact.body.mode).toBe("esiid");
    expect(exact.body.results.map((hit) => hit.esiid)).toEqual([premise.esiid]);
    const prefix = await api({ q: premise.esiid.slice(0, 9), pageSize: "100" });
    expect(prefix.body.results.length).toBeGreaterThan(1);
    expect(prefix.body.results.every((hit) => hit.esiid.startsWith(premise.esiid.slice(0, 9)))).toBe(true);
  });

  it("filters by ZIP and city, and pages", async () => {
    const first = await api({ zip: "77520", city: "baytown", pageSize: "2" });
    expect(first.body.mode).toBe("place");
    expect(first.body.results).toHaveLength(2);
    expect(first.body.hasMore).toBe(true);
    expect(first.body.results.every((hit) => hit.city === "BAYTOWN" && hit.zipcode?.startsWith("77520"))).toBe(true);
    const second = await api({ zip: "77520", city: "baytown", pageSize: "2", page: "2" });
    expect(second.body.results.map((hit) => hit.esiid)).not.toContain(first.body.results[0].esiid);
  });

  it("answers the JSON search to a session or the admin bearer only", async () => {
    expect((await api({ q: "oak" }, {})).status).toBe(401);
    expect((await api({ q: "oak" }, { authorization: `Bearer ${TEST_CRON_SECRET}` })).status).toBe(401);
    expect((await api({ q: "oak" }, { cookie })).status).toBe(200);
  });

  it("shows the premise page with every field, its timeline, its last file and its explorer row", async () => {
    const change = await db().esiidPremiseChange.findFirstOrThrow({ where: { kind: "changed" } });
    const response = await page(`/admin/esiid/${change.esiid}`);
    expect(response.status).toBe(200);
    const html = (await response.text()).replace(/<!-- -->/g, "");
    expect(html).toContain("Change timeline");
    expect(html).toContain(`DocID ${change.docId}`);
    expect(html).toContain("Meter read cycle");
    const explorer = /href="(\/admin\/database\/EsiidPremise\/row\?pk=[^"]+)"/.exec(html);
    expect(explorer).not.toBeNull();
    expect((await page(explorer![1].replace(/&amp;/g, "&"))).status).toBe(200);
    expect((await page("/admin/esiid/99999999999999999")).status).toBe(404);
  });

  it("shows each file's processing state on the run page", async () => {
    const run = await db().ingestRun.findFirstOrThrow({ orderBy: { id: "desc" } });
    const html = await (await page(`/admin/ercot/${run.id}`)).text();
    expect(html).toContain('data-extract-status="applied"');
    expect(html).toContain("Apply stored extracts to premises");
  });

  it("applies stored extracts again from the run page's button, in the background", async () => {
    const before = await db().esiidExtractFile.findFirstOrThrow({ orderBy: { processedAt: "desc" } });
    const response = await fetch(`${portal.baseUrl}/admin/esiid/process`, {
      method: "POST",
      body: new URLSearchParams({ reprocess: "all", redirectTo: "/admin/ercot/1" }),
      headers: { cookie, origin: portal.baseUrl },
      redirect: "manual",
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/admin/ercot/1");
    await vi.waitFor(
      async () => {
        const latest = await db().esiidExtractFile.findFirstOrThrow({ orderBy: { processedAt: "desc" } });
        expect(latest.processedAt.getTime()).toBeGreaterThan(before.processedAt.getTime());
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(await db().auditEvent.count({ where: { action: "esiid.process" } })).toBe(1);
  });

  it("shows the premise address beside each ESIID the SMT page charts, and the chart on the premise page", async () => {
    const premise = await db().esiidPremise.findFirstOrThrow({ where: { tdsp: "TNMP" } });
    await db().$executeRaw`
      INSERT INTO "SmtIntervalDay" ("esiid", "channel", "day", "dayStart", "kwh", "estimated", "revisionAt", "rawFileIds",
                                    "totalKwh", "intervals")
      SELECT ${premise.esiid}, 'consumption', '2026-06-01', '2026-06-01 05:00', array_fill(0.25, ARRAY[96]),
             array_fill(false, ARRAY[96]), array_fill('2026-06-02 12:00'::timestamp, ARRAY[96]),
             array_fill(NULL::int, ARRAY[96]), 24, 96`;
    const smt = (await (await page("/admin/smt")).text()).replace(/<!-- -->/g, "");
    expect(smt).toContain(`href="/admin/esiid/${premise.esiid}"`);
    expect(smt).toContain(premise.city!);
    const premisePage = await (await page(`/admin/esiid/${premise.esiid}`)).text();
    expect(premisePage).toContain("SMT usage");
  });

  it("keeps the ESIID pages behind sign-in and throttles the JSON search", async () => {
    const anonymous = await fetch(`${portal.baseUrl}/admin/esiid?q=oak`, { redirect: "manual" });
    expect(anonymous.status).toBe(302);
    let throttled = null;
    for (let attempt = 0; attempt < 200 && !throttled; attempt++) {
      const response = await api({ q: "" });
      if (response.status === 429) throttled = response;
    }
    expect(throttled?.body.ok).toBe(false);
  });
});
