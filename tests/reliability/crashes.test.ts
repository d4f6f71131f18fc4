import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { db } from "~/db/prisma.server";
import { runProgressSchema } from "~/ercot/run-record";
import { S3Storage } from "~/storage/s3.server";
import { portalNormalCsv } from "../fixtures/smt/generate";
import { startFakeErcot, type FakeErcot } from "../fakes/ercot/server";
import { TEST_CRON_SECRET, TEST_WEBHOOK_SECRET } from "../support/per-file-database";
import { startPortal, type RunningPortal } from "../support/portal-server";
import { s3Env, type TestS3 } from "../support/s3-server";
import { startFaultProxy, type FaultProxy } from "./support/fault-proxy";
import { checkInvariants, openUploads, STACK_TRACE } from "./support/invariants";
import { recordFigures } from "./support/report";

/**
 * Fault suite (issue 10 §1), process and database side: the built portal talks to PostgreSQL and s3rver through
 * fault proxies. A PostgreSQL restart (every connection dropped, new ones refused until the request in flight has
 * answered) and a SIGKILL of the portal (then a fresh start) hit an ERCOT run and an SMT upload halfway. After
 * each: the re-post loads the file, the next run completes, and the invariants hold.
 */
const LEASE_SECONDS = 3;
/** A multipart upload nobody renewed for this long is a dead process's: the portal's sweep aborts it. */
const UPLOAD_GRACE_SECONDS = 2;
const TDSP_FOR_CASE = ["ONCOR_ELEC", "CENTERPOINT"];

let fake: FakeErcot;
let s3Proxy: FaultProxy;
let pgProxy: FaultProxy;
let portal: RunningPortal;
let portalEnv: Record<string, string>;
/** The bucket without the proxy: the invariants must not read through a fault. */
let direct: S3Storage;
let s3: TestS3;
let bucket: string;

beforeAll(async () => {
  fake = await startFakeErcot();
  s3 = inject("s3");
  const endpoint = new URL(s3.endpoint);
  s3Proxy = await startFaultProxy({ host: endpoint.hostname, port: Number(endpoint.port) });
  // A bucket of its own, so the orphan check sees only this file's objects.
  bucket = `crashes-${randomBytes(4).toString("hex")}`;
  const credentials = { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
  const admin = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials });
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  admin.destroy();
  direct = new S3Storage({ endpoint: s3.endpoint, region: s3.region, bucket, ...credentials, forcePathStyle: true });

  const database = new URL(process.env.DATABASE_URL ?? "");
  pgProxy = await startFaultProxy({ host: database.hostname, port: Number(database.port) });
  const proxied = new URL(database);
  proxied.port = String(pgProxy.port);
  portalEnv = {
    ...s3Env({ ...s3, endpoint: s3Proxy.url, bucket }),
    DATABASE_URL: proxied.toString(),
    ERCOT_PAGE_URL: fake.pageUrl,
    ERCOT_RUN_LEASE_SECONDS: String(LEASE_SECONDS),
    STORAGE_UPLOAD_GRACE_SECONDS: String(UPLOAD_GRACE_SECONDS),
    SMT_UPLOAD_MAX_BYTES: String(64 * 1024 * 1024),
  };
  portal = await startPortal({ env: portalEnv });
  // The default publication, stored once, so each case's new file is the only one a run fetches.
  await completedRun();
}, 120_000);

afterAll(async () => {
  await portal?.stop();
  await pgProxy?.stop();
  await s3Proxy?.stop();
  await fake?.stop();
});

interface Answer {
  status: number;
  text: string;
}

/** The portal's answer; status 0 when the connection died with the portal. */
async function answerOf(request: Promise<Response>): Promise<Answer> {
  try {
    const response = await request;
    return { status: response.status, text: await response.text() };
  } catch {
    return { status: 0, text: "" };
  }
}

const cronPing = () =>
  answerOf(
    fetch(`${portal.baseUrl}/api/admin/ercot/cron`, { headers: { authorization: `Bearer ${TEST_CRON_SECRET}` } }),
  );

/** Pings until a run is started and completes (a ping during a live lease only answers `running`). */
async function completedRun(): Promise<{ runId: number; status: string }> {
  return vi.waitFor(
    async () => {
      const answer = await cronPing();
      const body = JSON.parse(answer.text || "{}") as { runId?: number; status?: string; running?: boolean };
      expect(body.running, answer.text).toBeFalsy();
      expect(["succeeded", "warning"], answer.text).toContain(body.status);
      return { runId: body.runId!, status: body.status! };
    },
    { timeout: 90_000, interval: 500 },
  );
}

/** A new DAILY larger than one 5 MiB part (its upload to storage is multipart), for a TDSP no other case uses. */
function publishLargeDaily(tdsp: string) {
  return fake.publish({ tdsp, publishedAt: new Date(Date.now() - 60_000), csvBytes: 14_000_000 });
}

/** Waits until the portal's run is streaming a file past `bytes`. */
async function runPast(bytes: number) {
  return vi.waitFor(
    async () => {
      const run = await db().ingestRun.findFirstOrThrow({ where: { status: "running" }, orderBy: { id: "desc" } });
      expect(runProgressSchema.parse(run.progress).currentBytes).toBeGreaterThan(bytes);
      return run;
    },
    { timeout: 60_000, interval: 50 },
  );
}

let smtFileCount = 0;
/** A distinct interval CSV of about 8 MB (about 77,000 rows). */
function smtFile(): { name: string; bytes: Buffer } {
  smtFileCount++;
  // 800 days each, never the same day twice; after 2007, when the DST rules the generator follows began.
  const firstDay = `${2008 + 3 * smtFileCount}-01-01`;
  return { name: `IntervalData-crash-${smtFileCount}.csv`, bytes: Buffer.from(portalNormalCsv(firstDay, 800)) };
}

function postSmt(file: { name: string; bytes: Buffer }): Promise<Answer> {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(file.bytes)]), file.name);
  return answerOf(
    fetch(`${portal.baseUrl}/api/admin/smt/pull`, {
      method: "POST",
      headers: { "x-intelliwatt-secret": TEST_WEBHOOK_SECRET },
      body: form,
    }),
  );
}

/** Waits until the portal's SMT load transaction is open (the object is stored, rows are being written). */
async function smtLoading(post: Promise<Answer>) {
  let answered: Answer | undefined;
  void post.then((answer) => (answered = answer));
  await vi.waitFor(
    async () => {
      if (answered)
        throw new Error(`The upload was answered before its rows were loaded: ${answered.status} ${answered.text}`);
      const [{ loading }] = await db().$queryRaw<{ loading: bigint }[]>`
        SELECT count(*) AS loading FROM pg_stat_activity
         WHERE application_name = 'smt-ingest' AND state IN ('active', 'idle in transaction')`;
      expect(Number(loading)).toBeGreaterThan(0);
    },
    { timeout: 60_000, interval: 20 },
  );
}

/** PostgreSQL goes away under the portal and stays away until `inFlight` has answered. */
async function restartPostgres<T>(inFlight: Promise<T>): Promise<T> {
  pgProxy.set({ kind: "refuse" });
  pgProxy.dropAll();
  try {
    return await inFlight;
  } finally {
    pgProxy.set({ kind: "pass" });
  }
}

async function crashAndRestartPortal() {
  await portal.crash();
  portal = await startPortal({ env: portalEnv });
}

/**
 * The invariants, plus: no multipart upload open (no parts on s3rver's disk, no StorageUpload record). An upload a
 * killed portal left is the restarted portal's to abort once its grace has passed: wait for that, within bounds.
 */
async function invariants() {
  let open: string[] = [];
  await vi
    .waitFor(
      async () => {
        open = await openUploads(s3, bucket);
        expect(open).toEqual([]);
      },
      { timeout: 30_000, interval: 250 },
    )
    .catch(() => undefined);
  return { ...(await checkInvariants(direct)), openUploads: open };
}

const CLEAN = { lost: [], orphans: [], stuck: [], openUploads: [] };

/** After a crash the droplet posts the file again: it loads in full, once, and every invariant holds. */
async function expectRepostLoaded(file: { name: string; bytes: Buffer }, caseName: string) {
  const again = await postSmt(file);
  const after = await invariants();
  const raw = await db().smtRawFile.findMany({ where: { filename: file.name } });
  recordFigures("faults", caseName, {
    lost: raw.length === 1 && raw[0].status === "parsed" ? 0 : 1,
    duplicated: Math.max(0, raw.length - 1),
    orphans: after.orphans.length + after.openUploads.length,
  });
  expect(after).toEqual(CLEAN);
  expect(again.status, again.text).toBe(200);
  expect(raw.map((row) => row.status)).toEqual(["parsed"]);
  expect(raw[0].rowsInserted).toBe(raw[0].rowsParsed);
  expect(raw[0].rowsParsed).toBeGreaterThan(76_000);
}

describe("fault suite: PostgreSQL restarts and portal crashes", () => {
  it("PostgreSQL restart in the middle of an ERCOT run", { timeout: 180_000 }, async () => {
    fake.setScenario({ slowBody: { chunkBytes: 64 * 1024, intervalMs: 20 } });
    const document = publishLargeDaily(TDSP_FOR_CASE.shift()!);
    const ping = cronPing();
    await runPast(1024 * 1024);
    const faulty = await restartPostgres(ping);
    expect(faulty.text).not.toMatch(STACK_TRACE);

    fake.setScenario("normal");
    const next = await completedRun();
    const stored = await db().ercotIngest.findMany({ where: { docId: document.docId, status: "stored" } });
    const after = await invariants();
    recordFigures("faults", "PostgreSQL restart mid ERCOT run", {
      lost: after.lost.length + (stored.length === 1 ? 0 : 1),
      duplicated: Math.max(0, stored.length - 1),
      orphans: after.orphans.length + after.openUploads.length,
    });
    expect(after).toEqual(CLEAN);
    expect(next.status).toBe("succeeded");
    expect(stored).toHaveLength(1);
  });

  it("PostgreSQL restart in the middle of an SMT upload", { timeout: 180_000 }, async () => {
    const file = smtFile();
    const post = postSmt(file);
    await smtLoading(post);
    const faulty = await restartPostgres(post);
    // The droplet keeps a file answered 5xx in its inbox and posts it again on its next run.
    expect(faulty.status).toBeGreaterThanOrEqual(500);
    expect(faulty.text).toContain("Post it again later");
    expect(faulty.text).not.toMatch(STACK_TRACE);

    await expectRepostLoaded(file, "PostgreSQL restart mid SMT upload");
  });

  it("SIGKILL of the portal in the middle of an ERCOT run, then a restart", { timeout: 180_000 }, async () => {
    fake.setScenario({ slowBody: { chunkBytes: 64 * 1024, intervalMs: 20 } });
    const document = publishLargeDaily(TDSP_FOR_CASE.shift()!);
    const ping = cronPing();
    // Past the first 5 MiB part: the multipart upload to storage is open when the process dies.
    await runPast(6 * 1024 * 1024);
    await crashAndRestartPortal();
    expect((await ping).status).toBe(0);

    fake.setScenario("normal");
    const next = await completedRun();
    const stored = await db().ercotIngest.findMany({ where: { docId: document.docId, status: "stored" } });
    // The killed process's upload is aborted by the restarted portal's sweep (boot, timer or this run's start).
    const after = await invariants();
    recordFigures("faults", "SIGKILL mid ERCOT run", {
      lost: after.lost.length + (stored.length === 1 ? 0 : 1),
      duplicated: Math.max(0, stored.length - 1),
      orphans: after.orphans.length + after.openUploads.length,
    });
    expect(after).toEqual(CLEAN);
    expect(next.status).toBe("succeeded");
    expect(stored).toHaveLength(1);
    const killedRun = await db().ingestRun.findFirstOrThrow({
      where: { status: "abandoned" },
      orderBy: { id: "desc" },
    });
    expect(killedRun.id).toBeLessThan(next.runId);
  });

  it(
    "SIGKILL of the portal in the middle of an SMT upload, then a restart and a re-post",
    { timeout: 180_000 },
    async () => {
      const file = smtFile();
      const post = postSmt(file);
      await smtLoading(post);
      await crashAndRestartPortal();
      expect((await post).status).toBe(0);
      // Nothing half-loaded: the rows and the raw row were one transaction.
      expect(await db().smtRawFile.count({ where: { filename: file.name, status: { not: "received" } } })).toBe(0);

      await expectRepostLoaded(file, "SIGKILL mid SMT upload");
    },
  );
});
