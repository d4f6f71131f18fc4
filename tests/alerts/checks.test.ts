import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Cron } from "croner";
import S3rver from "s3rver";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { runAlertChecks } from "~/alerts/run.server";
import type { CheckId } from "~/alerts/types";
import { db, disconnectDb } from "~/db/prisma.server";
import { resetEnvCache } from "~/env/env.server";
import { beginIngest, runIngest } from "~/ercot/ingest.server";
import { ERCOT_JOBS } from "~/ercot/jobs";
import { portalNormalCsv } from "../fixtures/smt/generate";
import { startFakeErcot, type FakeErcot } from "../fakes/ercot/server";
import { TEST_RUN_SETTINGS, scrapeOnlyConfigFor } from "../ercot/support/test-run";
import { TEST_WEBHOOK_SECRET } from "../support/per-file-database";
import { startPortal, type RunningPortal } from "../support/portal-server";
import { freePort } from "../support/test-database";
import { startWebhookReceiver } from "./receivers";

const WEBHOOK_SECRET = "alert-webhook-secret-0123456789ab";
const QUICK_RETRY = { attempts: 2, minDelayMs: 10, maxDelayMs: 20 };
const HOUR_MS = 3600_000;
let fake: FakeErcot;
let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
let portal: RunningPortal;
let s3: { server: S3rver; port: number; directory: string };

function s3rverOn(port: number, directory: string) {
  return new S3rver({
    address: "127.0.0.1",
    port,
    silent: true,
    directory,
    configureBuckets: [{ name: "alerts", configs: [] }],
  });
}

beforeAll(async () => {
  const directory = mkdtempSync(path.join(os.tmpdir(), "alerts-s3-"));
  s3 = { port: await freePort(), directory, server: undefined as unknown as S3rver };
  s3.server = s3rverOn(s3.port, directory);
  await s3.server.run();
  [fake, webhook] = await Promise.all([startFakeErcot(), startWebhookReceiver(WEBHOOK_SECRET)]);
  // In this process the checks see the same storage as the portal: our own s3rver, which a test stops.
  Object.assign(process.env, {
    S3_ENDPOINT: `http://127.0.0.1:${s3.port}`,
    S3_BUCKET: "alerts",
    S3_ACCESS_KEY_ID: "S3RVER",
    S3_SECRET_ACCESS_KEY: "S3RVER",
    S3_FORCE_PATH_STYLE: "true",
    ALERT_WEBHOOK_URL: webhook.url,
    ALERT_WEBHOOK_SECRET: WEBHOOK_SECRET,
  });
  resetEnvCache();
  // Behind a trusted proxy, so each sign-in attacker is told apart by X-Forwarded-For.
  portal = await startPortal({ env: { TRUST_PROXY: "1" } });
});
afterAll(async () => {
  await portal?.stop();
  await Promise.all([fake?.stop(), webhook?.stop(), s3?.server.close().catch(() => undefined)]);
  rmSync(s3.directory, { recursive: true, force: true });
});
beforeEach(async () => {
  fake.reset();
  webhook.received.length = 0;
  for (const table of [
    "AlertDelivery",
    "AlertIncident",
    "AlertCheck",
    "ErcotIngest",
    "IngestRun",
    "SmtRawFile",
    "AuditEvent",
  ])
    await db().$executeRawUnsafe(`DELETE FROM "${table}"`);
  for (const name of ["ERCOT_EWS_BASE", "ERCOT_EWS_PFX", "ERCOT_EWS_PFX_PASS", "ERCOT_EWS_CERT", "ERCOT_EWS_KEY"])
    delete process.env[name];
  resetEnvCache();
});

async function checksAt(now: Date) {
  const run = await runAlertChecks({ now, retry: QUICK_RETRY });
  await run.notices;
  return run;
}
const stateOf = async (id: CheckId) => (await db().alertCheck.findUniqueOrThrow({ where: { id } })).state;
const incidents = (checkId: CheckId) => db().alertIncident.findMany({ where: { checkId }, orderBy: { id: "asc" } });

const ingestOptions = () => ({ ...TEST_RUN_SETTINGS, trigger: "cron" as const, config: scrapeOnlyConfigFor(fake) });

function previous(pattern: string, before: Date) {
  const job = new Cron(pattern, { timezone: "UTC", paused: true });
  const [at] = job.previousRuns(1, before);
  job.stop();
  return at;
}

describe("ERCOT checks", () => {
  it("late: alerts once the catch-up time plus grace passes without a success, and recovers on a success", async () => {
    const grace = 60 * 60_000;
    const catchUp = previous(ERCOT_JOBS[1].pattern, new Date(Date.now() - grace));
    await checksAt(new Date(catchUp.getTime() - 20 * HOUR_MS)); // the portal starts watching the day before
    await checksAt(new Date(catchUp.getTime() + grace - 60_000));
    expect(await stateOf("ercot-late")).toBe("ok");
    await checksAt(new Date(catchUp.getTime() + grace + 60_000));
    expect(await stateOf("ercot-late")).toBe("alert");
    expect((await runIngest(ingestOptions())) as { status: string }).toMatchObject({ status: "succeeded" });
    await checksAt(new Date());
    expect(await stateOf("ercot-late")).toBe("ok");
    const [incident] = await incidents("ercot-late");
    expect(incident.closedAt).not.toBeNull();
  });

  it("failed run: alerts on a run that failed (maintenance page), recovers on the next success", async () => {
    fake.setScenario("maintenance-503");
    expect(await runIngest(ingestOptions())).toMatchObject({ status: "failed" });
    await checksAt(new Date());
    expect(await stateOf("ercot-run-failed")).toBe("alert");
    fake.setScenario("normal");
    expect(await runIngest(ingestOptions())).toMatchObject({ status: "succeeded" });
    await checksAt(new Date());
    expect(await stateOf("ercot-run-failed")).toBe("ok");
    expect(await incidents("ercot-run-failed")).toHaveLength(1);
  });

  it("stuck: a run still going past its deadline alerts, and recovers when it ends", async () => {
    fake.setScenario({ delay: { ms: 3_000, routes: ["page"] } });
    const start = await beginIngest(ingestOptions());
    if (start.running) throw new Error("a run was already going");
    await checksAt(new Date(Date.now() + 2 * HOUR_MS));
    expect(await stateOf("ercot-run-stuck")).toBe("alert");
    await start.done;
    await checksAt(new Date());
    expect(await stateOf("ercot-run-stuck")).toBe("ok");
  });

  it("certificate: warns within 30 days of expiry and alerts once expired, from a PFX or from PEM", async () => {
    for (const variables of [
      { ERCOT_EWS_PFX: fake.tls.clientPfxBase64, ERCOT_EWS_PFX_PASS: fake.tls.clientPfxPassphrase },
      { ERCOT_EWS_CERT: fake.tls.clientCertPem, ERCOT_EWS_KEY: fake.tls.clientKeyPem },
    ]) {
      await db().$executeRawUnsafe(`DELETE FROM "AlertCheck"`);
      Object.assign(process.env, { ERCOT_EWS_BASE: fake.ewsUrl, ...variables });
      resetEnvCache();
      const expires = new Date(new X509Certificate(fake.tls.clientCertPem).validTo).getTime();
      await checksAt(new Date());
      expect(await stateOf("ercot-certificate")).toBe("ok");
      await checksAt(new Date(expires - 10 * 24 * HOUR_MS));
      expect(await stateOf("ercot-certificate")).toBe("warn");
      await checksAt(new Date(expires + 24 * HOUR_MS));
      expect(await stateOf("ercot-certificate")).toBe("alert");
      for (const name of Object.keys(variables)) delete process.env[name];
    }
  });
});

describe("SMT, storage, database and sign-in checks", () => {
  const pull = (filename: string, content: string) => {
    const form = new FormData();
    form.append("file", new Blob([content], { type: "text/csv" }), filename);
    return fetch(`${portal.baseUrl}/api/admin/smt/pull`, {
      method: "POST",
      headers: { "x-intelliwatt-secret": TEST_WEBHOOK_SECRET },
      body: form,
    });
  };

  it("SMT silent: alerts when no droplet post arrives within 26 h, recovers on the next post", async () => {
    await checksAt(new Date());
    expect(await stateOf("smt-silent")).toBe("ok");
    await checksAt(new Date(Date.now() + 27 * HOUR_MS));
    expect(await stateOf("smt-silent")).toBe("alert");
    expect((await pull("IntervalData.csv", portalNormalCsv())).status).toBe(200);
    await checksAt(new Date());
    expect(await stateOf("smt-silent")).toBe("ok");
  });

  it("SMT file failed: alerts on a file that failed, recovers when a good file follows", async () => {
    await pull("IntervalData.csv", "this is not an SMT file\nat all\n");
    expect(await db().smtRawFile.findFirstOrThrow()).toMatchObject({ status: "failed" });
    await checksAt(new Date());
    expect(await stateOf("smt-file-failed")).toBe("alert");
    await pull("IntervalData.csv", portalNormalCsv("2025-11-01"));
    await checksAt(new Date());
    expect(await stateOf("smt-file-failed")).toBe("ok");
  });

  it("storage: alerts while the s3rver is stopped, recovers when it is back", async () => {
    await checksAt(new Date());
    expect(await stateOf("storage")).toBe("ok");
    await s3.server.close();
    await checksAt(new Date());
    expect(await stateOf("storage")).toBe("alert");
    s3.server = s3rverOn(s3.port, s3.directory);
    await s3.server.run();
    await checksAt(new Date());
    expect(await stateOf("storage")).toBe("ok");
    expect(await incidents("storage")).toHaveLength(1);
  });

  it("database: notifies while unreachable, and records the incident with its recovery once it is back", async () => {
    const realUrl = process.env.DATABASE_URL!;
    await checksAt(new Date());
    await disconnectDb();
    process.env.DATABASE_URL = `postgresql://nobody:nothing@127.0.0.1:${await freePort()}/gone`;
    resetEnvCache();
    const down = await checksAt(new Date());
    expect(down.results).toEqual([expect.objectContaining({ id: "database", state: "alert" })]);
    await checksAt(new Date()); // still down: no second notice
    await disconnectDb();
    process.env.DATABASE_URL = realUrl;
    resetEnvCache();
    await checksAt(new Date());
    expect(await stateOf("database")).toBe("ok");
    const [incident] = await incidents("database");
    expect(incident.closedAt).not.toBeNull();
    const about = webhook.received.filter((hook) => hook.body.portal.checkId === "database");
    expect(about.map((hook) => hook.body.portal.kind)).toEqual(["raised", "recovered"]);
    const deliveries = await db().alertDelivery.findMany({ where: { incidentId: incident.id } });
    expect(deliveries.map((delivery) => `${delivery.kind}/${delivery.status}`).sort()).toEqual([
      "raised/delivered",
      "recovered/delivered",
    ]);
  });

  it("sign-in attacks: alerts when the throttle trips", async () => {
    await checksAt(new Date());
    for (let attempt = 0; attempt < 6; attempt++) {
      await fetch(`${portal.baseUrl}/login`, {
        method: "POST",
        body: new URLSearchParams({ token: "wrong-token-0123456789" }),
        headers: { origin: portal.baseUrl, "x-forwarded-for": "203.0.113.9" },
      });
    }
    await vi.waitFor(async () => expect(await db().auditEvent.count({ where: { action: "login.failed" } })).toBe(5));
    await checksAt(new Date());
    expect(await stateOf("sign-in-throttle")).toBe("alert");
    await checksAt(new Date(Date.now() + 16 * 60_000));
    expect(await stateOf("sign-in-throttle")).toBe("ok");
  });
});
