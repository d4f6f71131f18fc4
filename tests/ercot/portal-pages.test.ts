import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db/prisma.server";
import { TEST_ADMIN_TOKEN, TEST_CRON_SECRET } from "../support/per-file-database";
import { signInCookie, startPortal, type RunningPortal } from "../support/portal-server";
import { startFakeErcot, type FakeErcot } from "../fakes/ercot/server";

let fake: FakeErcot;
let portal: RunningPortal;
let cookie: string;

beforeAll(async () => {
  fake = await startFakeErcot();
  portal = await startPortal({ env: { ERCOT_PAGE_URL: fake.pageUrl } });
  cookie = await signInCookie(portal.baseUrl, TEST_ADMIN_TOKEN);
});
afterAll(async () => {
  await portal?.stop();
  await fake?.stop();
});

const call = (path: string, init: RequestInit = {}) =>
  fetch(`${portal.baseUrl}${path}`, { redirect: "manual", ...init });

async function waitForRun(runId: number) {
  for (let tries = 0; tries < 200; tries++) {
    const run = await db().ingestRun.findUniqueOrThrow({ where: { id: runId } });
    if (run.status !== "running") return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`run ${runId} did not finish`);
}

describe("ERCOT pages", () => {
  it("keeps every ERCOT page and download behind sign-in", async () => {
    for (const path of ["/admin/ercot", "/admin/ercot/1", "/admin/ercot/files/1"]) {
      const response = await call(path);
      expect(response.status, path).toBe(302);
      expect(response.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    }
    expect((await call("/api/admin/ercot/progress")).status).toBe(401);
    expect(
      (await call("/api/admin/ercot/progress", { headers: { authorization: `Bearer ${TEST_CRON_SECRET}` } })).status,
    ).toBe(401);
    const refused = await call("/admin/ercot", {
      method: "POST",
      body: new URLSearchParams({ intent: "run" }),
      headers: { cookie, origin: "https://evil.example" },
    });
    // Remix itself aborts a cross-origin action before ours runs (500); either way nothing starts.
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(await db().ingestRun.count()).toBe(0);
  });

  it("starts a run from Run now, records it in the audit log, and refuses a second one while it runs", async () => {
    fake.setScenario({ slowBody: { chunkBytes: 4096, intervalMs: 30 } });
    const post = () =>
      call("/admin/ercot.data", {
        method: "POST",
        body: new URLSearchParams({ intent: "run" }),
        headers: { cookie, origin: portal.baseUrl },
      });
    const started = await post();
    expect(started.status).toBe(200);
    const active = await (await call("/api/admin/ercot/progress", { headers: { cookie } })).json();
    expect(active.active).toMatchObject({ status: "running", trigger: "manual" });
    const runId = active.active.id as number;
    const second = await post();
    expect(second.status).toBe(409);
    expect(await second.text()).toContain(`Run #${runId} is already going`);
    expect(await db().auditEvent.findFirst({ where: { action: "ercot.run" } })).toMatchObject({
      actor: "operator",
      target: `IngestRun:${runId}`,
    });
    expect(await db().ingestRun.count()).toBe(1);
    expect((await waitForRun(runId)).status).toBe("succeeded");
    fake.setScenario("normal");
  });

  it("shows the run's files and streams a stored file through the portal as an attachment", async () => {
    const file = await db().ercotIngest.findFirstOrThrow({ where: { status: "stored" } });
    const details = await call(`/admin/ercot/${file.runId}`, { headers: { cookie } });
    expect(details.status).toBe(200);
    const html = await details.text();
    expect(html).toContain(file.storageKey);
    expect(html).toContain(`/admin/ercot/files/${file.id}`);

    const download = await call(`/admin/ercot/files/${file.id}`, { headers: { cookie } });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/zip");
    expect(download.headers.get("content-disposition")).toBe(`attachment; filename="${file.filename}"`);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.length).toBe(Number(file.sizeBytes));
    expect(bytes.subarray(0, 4).toString("latin1")).toBe("PK\x03\x04");

    expect((await call("/admin/ercot/files/999999", { headers: { cookie } })).status).toBe(404);
    expect((await call("/admin/ercot/999999", { headers: { cookie } })).status).toBe(404);
  });

  it("shows a ContentSize that disagrees with a valid zip as a warning on the run page", async () => {
    const document = fake.publish({ tdsp: "TNMP", publishedAt: new Date(), csvBytes: 5_000 });
    fake.setScenario("content-size-lies");
    const response = await call("/api/admin/ercot/cron", {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_CRON_SECRET}` },
    });
    const answer = (await response.json()) as { ok: boolean; runId: number; status: string };
    expect(answer).toMatchObject({ ok: true, status: "warning" });
    const html = await (await call(`/admin/ercot/${answer.runId}`, { headers: { cookie } })).text();
    expect(html).toContain(`ERCOT listed ${document.contentSize + 1000} bytes for ${document.friendlyName}`);
    fake.setScenario("normal");
  });
});
