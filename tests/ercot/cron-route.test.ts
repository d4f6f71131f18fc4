import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db/prisma.server";
import { TEST_CRON_SECRET } from "../support/per-file-database";
import { startPortal, type RunningPortal } from "../support/portal-server";
import { startFakeErcot, type FakeErcot } from "../fakes/ercot/server";

let fake: FakeErcot;
let portal: RunningPortal;

beforeAll(async () => {
  fake = await startFakeErcot();
  portal = await startPortal({ env: { ERCOT_PAGE_URL: fake.pageUrl, ERCOT_RUN_LEASE_SECONDS: "5" } });
});
afterAll(async () => {
  await portal?.stop();
  await fake?.stop();
});
beforeEach(async () => {
  fake.reset();
  await db().ercotIngest.deleteMany();
  await db().ingestRun.deleteMany();
});

const call = (path: string, init: RequestInit = {}) =>
  fetch(`${portal.baseUrl}${path}`, { redirect: "manual", ...init });
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
const downloads = () => fake.requestLog.filter((entry) => entry.route === "download");

describe("cron route authentication", () => {
  const refused: [string, string, RequestInit][] = [
    ["no credentials", "", {}],
    ["a spoofed x-vercel-cron header alone", "", { headers: { "x-vercel-cron": "1" } }],
    [
      "x-vercel-cron with a wrong bearer",
      "",
      { headers: { "x-vercel-cron": "1", ...bearer("wrong-secret-0123456789abcdef") } },
    ],
    ["a wrong bearer secret", "", { headers: bearer("wrong-secret-0123456789abcdef") }],
    ["the secret as a prefix", "", { headers: bearer(TEST_CRON_SECRET.slice(0, -1)) }],
    ["the secret with Basic instead of Bearer", "", { headers: { authorization: `Basic ${TEST_CRON_SECRET}` } }],
    ["a wrong ?token=", "?token=wrong-secret", {}],
    ["an empty ?token=", "?token=", {}],
    ["a POST without credentials", "", { method: "POST" }],
  ];

  it.each(refused)("refuses %s with 401 JSON, and starts nothing", async (_label, query, init) => {
    // The health route is GET only.
    const paths =
      init.method === "POST" ? ["/api/admin/ercot/cron"] : ["/api/admin/ercot/cron", "/api/admin/ercot/cron/health"];
    for (const path of paths) {
      const response = await call(`${path}${query}`, init);
      expect(response.status, path).toBe(401);
      expect(response.headers.get("content-type")).toMatch(/application\/json/);
      const body = await response.json();
      expect(body).toMatchObject({ ok: false, error: expect.stringContaining("Bearer") });
      expect(JSON.stringify(body)).not.toContain(TEST_CRON_SECRET);
    }
    expect(await db().ingestRun.count()).toBe(0);
    expect(fake.requestLog).toHaveLength(0);
  });

  it("accepts the secret as a bearer token or as ?token=, by GET or POST", async () => {
    expect((await call("/api/admin/ercot/cron/health", { headers: bearer(TEST_CRON_SECRET) })).status).toBe(200);
    expect((await call(`/api/admin/ercot/cron/health?token=${TEST_CRON_SECRET}`)).status).toBe(200);
    expect((await call(`/api/admin/ercot/cron?token=${TEST_CRON_SECRET}`)).status).toBe(200);
    expect((await call("/api/admin/ercot/cron", { method: "POST", headers: bearer(TEST_CRON_SECRET) })).status).toBe(
      200,
    );
  });
});

describe("the shipped ping script (cron/ercot-ping.sh)", () => {
  it("calls the route with the bearer secret taken from its environment", () => {
    const env: NodeJS.ProcessEnv = {
      NODE_ENV: "test",
      PATH: process.env.PATH,
      PORTAL_BASE_URL: portal.baseUrl,
      CRON_SECRET: TEST_CRON_SECRET,
    };
    const health = spawnSync("sh", ["cron/ercot-ping.sh", "/api/admin/ercot/cron/health"], { env, encoding: "utf8" });
    expect(health.status, health.stderr).toBe(0);
    expect(JSON.parse(health.stdout)).toMatchObject({ ok: true, missing: [] });
    const refused = spawnSync("sh", ["cron/ercot-ping.sh"], {
      env: { ...env, CRON_SECRET: "wrong-secret-0123456789abcdef" },
      encoding: "utf8",
    });
    expect(refused.status).not.toBe(0);
    expect(refused.stdout).toContain("Unauthorized");
  });
});

describe("cron health", () => {
  it("answers ok with nothing missing, and downloads nothing", async () => {
    const response = await call("/api/admin/ercot/cron/health", { headers: bearer(TEST_CRON_SECRET) });
    expect(await response.json()).toEqual({
      ok: true,
      missing: [],
      sources: ["scrape"],
      storage: "local",
      schedule: "external",
    });
    expect(fake.requestLog).toHaveLength(0);
  });
});

describe("cron run", () => {
  it("stores each TDSP's files and answers the ops-checklist shape; a rerun skips them all", async () => {
    const first = await call("/api/admin/ercot/cron", { headers: bearer(TEST_CRON_SECRET) });
    expect(first.status).toBe(200);
    const body = (await first.json()) as { ok: boolean; runId: number; results: Record<string, unknown>[] };
    expect(body.ok).toBe(true);
    expect(body.results).toHaveLength(fake.documents.length);
    for (const result of body.results) {
      expect(result).toMatchObject({
        tdsp: expect.any(String),
        key: expect.stringMatching(/^ercot\/\d{4}-\d{2}-\d{2}\/ext\..+\.zip$/),
        bytes: expect.any(Number),
      });
    }
    expect(await db().ingestRun.findUniqueOrThrow({ where: { id: body.runId } })).toMatchObject({
      trigger: "cron",
      status: "succeeded",
    });

    const rerun = (await (
      await call("/api/admin/ercot/cron", { headers: bearer(TEST_CRON_SECRET) })
    ).json()) as typeof body;
    expect(rerun.ok).toBe(true);
    expect(rerun.results.map((result) => result.skipped)).toEqual(Array(fake.documents.length).fill(true));
    expect(rerun.results[0]).toMatchObject({ tdsp: expect.any(String), skipped: true });
  });

  it("splits TDSPs across invocations with ?tdsp=, sharing the one lock, and stays idempotent", async () => {
    const ping = (tdsp: string) =>
      call(`/api/admin/ercot/cron?tdsp=${tdsp}`, { headers: bearer(TEST_CRON_SECRET) }).then(async (response) => ({
        status: response.status,
        body: await response.json(),
      }));
    fake.setScenario({ slowBody: { chunkBytes: 8 * 1024, intervalMs: 40 } });
    const [big, rest] = await Promise.all([ping("ONCOR_ELEC,CENTERPOINT"), ping("LUBBOCK,AEP_CENTRAL,TNMP")]);
    // One of the two found the other's run holding the lock.
    expect([big.body.running, rest.body.running].filter(Boolean)).toHaveLength(1);
    fake.setScenario("normal");
    const first = big.body.running ? big : rest;
    const wanted = big.body.running ? ["ONCOR_ELEC", "CENTERPOINT"] : ["LUBBOCK", "AEP_CENTRAL", "TNMP"];
    const second = await ping(wanted.join(","));
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ ok: true, tdsps: wanted });
    expect(new Set(second.body.results.map((result: { tdsp: string }) => result.tdsp))).toEqual(new Set(wanted));
    expect(first.body.runId).not.toBe(second.body.runId);
    expect(await db().ercotIngest.count()).toBe(fake.documents.length);
    const again = await ping(wanted.join(","));
    expect(again.body.results.every((result: { skipped?: boolean }) => result.skipped)).toBe(true);
  }, 60_000);

  it("answers 400 with the rule when ?tdsp= is not a list of TDSP codes", async () => {
    const response = await call("/api/admin/ercot/cron?tdsp=ONCOR;DROP", { headers: bearer(TEST_CRON_SECRET) });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ ok: false, error: expect.stringContaining("comma-separated list") });
    expect(await db().ingestRun.count()).toBe(0);
  });

  it("answers 502 with ok false and the reason when ERCOT is down", async () => {
    fake.setScenario("maintenance-503");
    const response = await call("/api/admin/ercot/cron", { headers: bearer(TEST_CRON_SECRET) });
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({
      ok: false,
      status: "failed",
      results: [],
      error: expect.stringContaining("HTTP 503"),
    });
  }, 60_000);

  it("lets exactly one of 20 parallel pings do the work", async () => {
    // Slow enough that the run is still going while the pings arrive.
    fake.setScenario({ slowBody: { chunkBytes: 8 * 1024, intervalMs: 40 } });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        call("/api/admin/ercot/cron", { headers: bearer(TEST_CRON_SECRET) }).then((response) => response.json()),
      ),
    );
    const working = responses.filter(
      (response) => Array.isArray(response.results) && response.results.some((result: { key?: string }) => result.key),
    );
    expect(working).toHaveLength(1);
    const { runId } = working[0];
    for (const response of responses) {
      if (response === working[0]) continue;
      const waited = response.running === true && response.runId === runId;
      const afterwards =
        Array.isArray(response.results) && response.results.every((result: { skipped?: boolean }) => result.skipped);
      expect(waited || afterwards, JSON.stringify(response)).toBe(true);
    }
    expect(responses.filter((response) => response.running).length).toBeGreaterThan(0);
    expect(downloads()).toHaveLength(fake.documents.length);
    expect(await db().ercotIngest.count()).toBe(fake.documents.length);
    expect(await db().ingestRun.count({ where: { status: "running" } })).toBe(0);
  }, 60_000);
});

describe("a ping during a hung run (issue 9 item 3)", () => {
  it("answers 503 with the run's id and the reason, so managed cron flags it", async () => {
    const hung = await db().ingestRun.create({
      data: {
        trigger: "cron",
        status: "running",
        startedAt: new Date(Date.now() - 3 * 3600_000),
        leaseExpiresAt: new Date(Date.now() + 60_000),
      },
    });
    const response = await call("/api/admin/ercot/cron", { headers: bearer(TEST_CRON_SECRET) });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      ok: false,
      running: true,
      runId: hung.id,
      error: expect.stringMatching(/longer than its 120-minute run deadline/),
    });
    expect(downloads()).toHaveLength(0);
  });
});
