import { createHash } from "node:crypto";
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { readdir } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { db } from "~/db/prisma.server";
import { storageKeyFor } from "~/ercot/selection.server";
import { type LocalStorage } from "~/storage/local.server";
import { S3Storage } from "~/storage/s3.server";
import type { Storage } from "~/storage/storage.server";
import { centralInstant } from "../fakes/ercot/publication";
import type { FakeErcot } from "../fakes/ercot/server";
import { useErcotIngestHarness } from "./support/ingest-harness";
import { sourcesConfigFor } from "../fakes/ercot/sources-config";

const harness = useErcotIngestHarness("ercot-ingest-");
let fake: FakeErcot;
let root: string;
let store: LocalStorage;
beforeEach(() => ({ fake, store, root } = harness));

const { scrapeOnly, ingest } = harness;
const apiFirst = () => sourcesConfigFor(fake, { ews: { baseUrl: undefined } });

async function sha256(stream: Readable) {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function keysIn(storage: Storage) {
  const keys: string[] = [];
  for await (const object of storage.list("ercot/")) keys.push(object.key);
  return keys;
}

/** One document only, so fault scenarios stay quick. */
function publishOne(csvBytes = 40_000) {
  fake.clearDocuments();
  return fake.publish({ tdsp: "ONCOR_ELEC", publishedAt: centralInstant("2026-06-03", 5, 52, 19, 164), csvBytes });
}

const downloads = () =>
  fake.requestLog.filter(
    (entry) =>
      entry.route === "download" ||
      entry.route === "ews-download" ||
      (entry.route === "api" && entry.query.includes("download=")),
  );

describe("ERCOT ingest: each source end to end", () => {
  it.each([
    ["scrape", scrapeOnly],
    ["api", apiFirst],
    ["ews", () => sourcesConfigFor(fake)],
  ] as const)(
    "stores every DAILY and FUL in the window through %s, streaming, hashed, under the Central publish date",
    async (source, config) => {
      const outcome = await ingest(config());
      expect(outcome.status).toBe("succeeded");
      expect(outcome.summary.source).toBe(source);
      // Four days of DAILYs per TDSP (2026-05-31 to 2026-06-03) and the FUL set of Monday 2026-06-01.
      const everything = fake.documents.length;
      expect(outcome.summary.results).toHaveLength(everything);
      for (const result of outcome.summary.results) {
        expect(result).toMatchObject({
          tdsp: expect.any(String),
          key: expect.stringMatching(/^ercot\/2026-0[56]-\d{2}\/ext\.00000203\./),
          bytes: expect.any(Number),
        });
      }
      const rows = await db().ercotIngest.findMany();
      expect(rows).toHaveLength(everything);
      for (const row of rows) {
        const document = fake.documents.find((candidate) => candidate.docId === row.docId)!;
        expect(row.status).toBe("stored");
        expect(row.source).toBe(source);
        expect(row.runId).toBe(outcome.runId);
        // The Public API gives no ConstructedName; one is derived from its whole-second postDatetime.
        const filename =
          source === "api"
            ? document.constructedName.replace(/(\.\d{6})\d{3}(\.[A-Z_]+\.zip)$/, "$1000$2")
            : document.constructedName;
        expect(row.filename).toBe(filename);
        expect(row.storageKey).toBe(storageKeyFor({ publishedAt: document.publishedAt, constructedName: filename }));
        expect(Number(row.sizeBytes)).toBe(document.contentSize);
        expect(row.sha256).toBe(await sha256(fake.documentStream(document.docId)));
        const object = await store.get(row.storageKey);
        expect(await sha256(object!.body)).toBe(row.sha256);
      }
      const run = await db().ingestRun.findUniqueOrThrow({ where: { id: outcome.runId } });
      expect(run).toMatchObject({ status: "succeeded", trigger: "manual", error: null });
      expect(run.finishedAt).not.toBeNull();
      expect(run.summary).toMatchObject({
        source,
        stored: everything,
        skipped: 0,
        failed: 0,
        attempts: [{ source }],
      });
    },
  );

  it("dates the storage key by the America/Chicago publish date, not UTC", async () => {
    fake.clearDocuments();
    // 23:30 CST on 2026-01-14 is 05:30 UTC on the 15th.
    const late = fake.publish({ tdsp: "TNMP", publishedAt: centralInstant("2026-01-14", 23, 30, 0) });
    const outcome = await ingest(scrapeOnly());
    expect(outcome.summary.results).toEqual([
      expect.objectContaining({ key: `ercot/2026-01-14/${late.constructedName}` }),
    ]);
  });
});

describe("ERCOT ingest: never miss a file", () => {
  it("back-fills missed DAILYs oldest first and marks them, so deltas apply in publish order", async () => {
    const outcome = await ingest(scrapeOnly());
    const fetched = outcome.summary.results.map((result) => fake.documents.find((d) => d.docId === result.docId)!);
    const times = fetched.map((document) => document.publishedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const newestDaily = fake.documents.find((document) => document.kind === "DAILY")!;
    const results = new Map(outcome.summary.results.map((result) => [result.docId, result]));
    expect(results.get(newestDaily.docId)).not.toHaveProperty("backfilled");
    const older = fake.documents.filter((d) => d.tdsp === newestDaily.tdsp && d.kind === "DAILY").at(-1)!;
    expect(results.get(older.docId)).toMatchObject({ backfilled: true });
  });

  it("stops at its cap with a warning saying how many it left, and the next run continues", async () => {
    const everything = fake.documents.length;
    const first = await ingest(scrapeOnly(), { maxFiles: 7 });
    expect(first).toMatchObject({ status: "warning", summary: { stored: 7, deferred: everything - 7 } });
    expect(first.summary.warnings).toEqual([expect.stringContaining(`${everything - 7} files not stored yet`)]);
    const oldest = [...fake.documents].sort((a, b) => a.publishedAt.getTime() - b.publishedAt.getTime());
    expect(new Set((await db().ercotIngest.findMany()).map((row) => row.docId))).toEqual(
      new Set(oldest.slice(0, 7).map((document) => document.docId)),
    );
    const second = await ingest(scrapeOnly(), { maxFiles: everything });
    expect(second).toMatchObject({ status: "succeeded", summary: { stored: everything - 7, skipped: 7, deferred: 0 } });
  });

  it("limits a run to the TDSPs asked for", async () => {
    const outcome = await ingest(scrapeOnly(), { tdsps: ["ONCOR_ELEC", "CENTERPOINT"] });
    const expected = fake.documents.filter((document) => ["ONCOR_ELEC", "CENTERPOINT"].includes(document.tdsp));
    expect(outcome.summary.stored).toBe(expected.length);
    expect(outcome.summary.tdsps).toEqual(["ONCOR_ELEC", "CENTERPOINT"]);
    expect(new Set(outcome.summary.results.map((result) => result.tdsp))).toEqual(
      new Set(["ONCOR_ELEC", "CENTERPOINT"]),
    );
  });

  it("ends as a warning, not a quiet success, when nothing is new and today's DAILY is overdue", async () => {
    await ingest(scrapeOnly());
    // 08:30 CDT the next day: ERCOT should have posted 2026-06-04's DAILYs by now.
    const nextMorning = new Date("2026-06-04T13:30:00Z");
    const outcome = await ingest(scrapeOnly(), { sourceDependencies: { now: () => nextMorning } });
    expect(outcome.status).toBe("warning");
    expect(outcome.summary.warnings).toEqual([
      expect.stringMatching(
        /^No DAILY file for 2026-06-04 \(Central\) is listed yet.*newest listed is from 2026-06-03/,
      ),
    ]);
    expect(await db().ingestRun.findUniqueOrThrow({ where: { id: outcome.runId } })).toMatchObject({
      status: "warning",
    });
  });

  it("hands over to the next source when EWS lists entries whose names it cannot read, and counts them", async () => {
    fake.setScenario("ews-friendly-file-names");
    const outcome = await ingest(sourcesConfigFor(fake));
    expect(outcome.summary.attempts).toEqual([
      {
        source: "ews",
        dropped: fake.documents.length,
        error: expect.stringMatching(/listed \d+ entries but none had a name or date it could read/),
      },
      { source: "api" },
    ]);
    expect(outcome).toMatchObject({ status: "succeeded", summary: { source: "api", stored: fake.documents.length } });
  });
});

describe("ERCOT ingest: credentials stay with ERCOT", () => {
  it.each([
    ["api", () => sourcesConfigFor(fake, { ews: { baseUrl: undefined } })],
    ["ews", () => sourcesConfigFor(fake)],
  ] as const)("never sends %s credentials to a download link on another host, and says so", async (_source, config) => {
    const seen: http.IncomingHttpHeaders[] = [];
    const foreign = http.createServer((request, response) => {
      seen.push(request.headers);
      response.end("PK");
    });
    foreign.listen(0, "127.0.0.1");
    await once(foreign, "listening");
    try {
      publishOne();
      fake.setScenario({ linkBase: `http://127.0.0.1:${(foreign.address() as AddressInfo).port}` });
      const outcome = await ingest(config());
      expect(outcome.status).toBe("failed");
      expect(outcome.summary.results[0]).toMatchObject({
        error: expect.stringContaining("which is not a configured ERCOT host; nothing was sent there"),
      });
      expect(seen).toEqual([]);
    } finally {
      foreign.closeAllConnections();
      await new Promise((resolve) => foreign.close(resolve));
    }
  });
});

describe("ERCOT ingest: idempotency and reposts", () => {
  it("skips everything on a rerun, without downloading again", async () => {
    const first = await ingest(scrapeOnly());
    fake.clearRequestLog();
    const second = await ingest(scrapeOnly());
    expect(second.status).toBe("succeeded");
    expect(second.summary.results).toHaveLength(first.summary.results.length);
    expect(second.summary.results.every((result) => "skipped" in result && result.skipped)).toBe(true);
    expect(downloads()).toHaveLength(0);
    expect(await db().ercotIngest.count()).toBe(first.summary.results.length);
  });

  it("records a same-bytes repost under its new DocID as skipped and keeps one copy", async () => {
    const original = publishOne();
    await ingest(scrapeOnly());
    const repost = fake.repost(original.docId, { sameBytes: true });
    const outcome = await ingest(scrapeOnly());
    expect(outcome.summary.results).toEqual([
      { tdsp: "ONCOR_ELEC", kind: "DAILY", docId: original.docId, skipped: true },
      { tdsp: "ONCOR_ELEC", kind: "DAILY", docId: repost.docId, skipped: true, duplicateOf: original.docId },
    ]);
    expect(await keysIn(store)).toEqual([storageKeyFor(original)]);
    const row = await db().ercotIngest.findUniqueOrThrow({ where: { docId: repost.docId } });
    expect(row).toMatchObject({ status: "stored", storageKey: storageKeyFor(original) });
    fake.clearRequestLog();
    const rerun = await ingest(scrapeOnly());
    expect(rerun.summary.results).toEqual([
      expect.objectContaining({ docId: original.docId, skipped: true }),
      expect.objectContaining({ docId: repost.docId, skipped: true }),
    ]);
    expect(downloads()).toHaveLength(0);
  });

  it("stores a repost with new bytes as a new file", async () => {
    const original = publishOne();
    await ingest(scrapeOnly());
    const repost = fake.repost(original.docId, { sameBytes: false });
    const outcome = await ingest(scrapeOnly());
    expect(outcome.summary.results).toEqual([
      expect.objectContaining({ docId: original.docId, skipped: true }),
      expect.objectContaining({ docId: repost.docId, key: storageKeyFor(repost) }),
    ]);
    expect((await keysIn(store)).sort()).toEqual([storageKeyFor(original), storageKeyFor(repost)].sort());
  });

  it("never overwrites another document's object when a repost keeps the file name", async () => {
    const original = publishOne();
    await ingest(scrapeOnly());
    const repost = fake.repost(original.docId, { sameBytes: false, publishedAt: original.publishedAt });
    expect(repost.constructedName).toBe(original.constructedName);
    const outcome = await ingest(scrapeOnly());
    expect(outcome.status).toBe("succeeded");
    const rows = await db().ercotIngest.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((row) => [row.docId, row.status])).toEqual([
      [original.docId, "stored"],
      [repost.docId, "stored"],
    ]);
    expect(new Set(rows.map((row) => row.storageKey)).size).toBe(2);
    for (const row of rows) {
      const object = await store.get(row.storageKey);
      const hash = createHash("sha256");
      for await (const chunk of object!.body) hash.update(chunk as Buffer);
      expect(hash.digest("hex"), `object of DocID ${row.docId}`).toBe(row.sha256);
    }
  });

  it("tries a failed file again on the next run", async () => {
    publishOne();
    fake.setScenario("no-results");
    expect((await ingest(scrapeOnly())).status).toBe("failed");
    fake.setScenario("normal");
    const outcome = await ingest(scrapeOnly());
    expect(outcome.status).toBe("succeeded");
    expect(await db().ercotIngest.findFirst()).toMatchObject({ status: "stored", error: null });
  });
});

describe("ERCOT ingest: fallback order", () => {
  it("falls back from a failing EWS to the Public API and records api on every file", async () => {
    const config = sourcesConfigFor(fake, {
      ews: { pfxBase64: undefined, certPem: fake.tls.personalCertPem, keyPem: fake.tls.personalKeyPem },
    });
    const outcome = await ingest(config);
    expect(outcome.summary.attempts).toEqual([
      { source: "ews", error: expect.stringContaining("SECU1073") },
      { source: "api" },
    ]);
    const sources = new Set((await db().ercotIngest.findMany()).map((row) => row.source));
    expect([...sources]).toEqual(["api"]);
  });

  it("falls back from EWS and the Public API to scraping", async () => {
    fake.setScenario({ maintenance: { status: 503, routes: ["ews", "api"] } });
    const outcome = await ingest(sourcesConfigFor(fake, { retry: { attempts: 1, minDelayMs: 1, maxDelayMs: 1 } }));
    expect(outcome.status).toBe("succeeded");
    expect(outcome.summary.attempts.map((attempt) => attempt.source)).toEqual(["ews", "api", "scrape"]);
    expect(outcome.summary.attempts[2].error).toBeUndefined();
    const sources = new Set((await db().ercotIngest.findMany()).map((row) => row.source));
    expect([...sources]).toEqual(["scrape"]);
  });

  it("fails the run with every source's reason when none can list", async () => {
    fake.setScenario("maintenance-503");
    const outcome = await ingest(scrapeOnly());
    expect(outcome.status).toBe("failed");
    expect(outcome.error).toMatch(/^No ERCOT source could list .*scrape: .*HTTP 503/);
    expect(outcome.summary.attempts).toEqual([{ source: "scrape", error: expect.stringContaining("503") }]);
    expect(await db().ingestRun.findUniqueOrThrow({ where: { id: outcome.runId } })).toMatchObject({
      status: "failed",
    });
  });
});

describe("ERCOT ingest: faults", () => {
  it("answers an HTML maintenance page served with 200 as a failed run, not a file", async () => {
    fake.setScenario("maintenance-200");
    const outcome = await ingest(scrapeOnly());
    expect(outcome.status).toBe("failed");
    expect(outcome.error).toContain("Scheduled Maintenance");
    expect(await keysIn(store)).toEqual([]);
  });

  it("retries a transient 502 and succeeds", async () => {
    fake.setScenario("server-error-once");
    expect((await ingest(scrapeOnly())).status).toBe("succeeded");
  });

  it("records a file that keeps failing and goes on with the other TDSPs", async () => {
    // The first download's three tries all answer 503; the rest succeed.
    fake.setScenario({ serverErrors: { remaining: 3, status: 503, routes: ["download"] } });
    const outcome = await ingest(scrapeOnly());
    expect(outcome.status).toBe("partial");
    const failed = outcome.summary.results.filter((result) => "error" in result);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ error: expect.stringContaining("HTTP 503") });
    expect(outcome.summary.stored).toBe(outcome.summary.results.length - 1);
    const row = await db().ercotIngest.findFirstOrThrow({ where: { status: "failed" } });
    expect(row.error).toContain("HTTP 503");
    expect(await keysIn(store)).not.toContain(row.storageKey);
  });

  it("gives up on a truncated body after retrying, keeps nothing and leaves no temp file", async () => {
    publishOne();
    fake.setScenario("truncated");
    const outcome = await ingest(scrapeOnly());
    expect(outcome.status).toBe("failed");
    expect(outcome.summary.results[0]).toMatchObject({ error: expect.stringMatching(/broke off|ended after/) });
    expect(downloads()).toHaveLength(3);
    expect(await keysIn(store)).toEqual([]);
    expect(await readdir(path.join(root, ".tmp"))).toEqual([]);
  });

  it("stops a stalled download at the idle timeout", async () => {
    publishOne();
    fake.setScenario({ slowBody: { chunkBytes: 1024, intervalMs: 1_500 } });
    const outcome = await ingest(
      sourcesConfigFor(fake, {
        ews: { baseUrl: undefined },
        api: { subscriptionKey: undefined },
        retry: { attempts: 1, minDelayMs: 1, maxDelayMs: 1 },
        timeouts: { idleMs: 500 },
      }),
    );
    expect(outcome.summary.results[0]).toMatchObject({ error: expect.stringContaining("stalled") });
    expect(await keysIn(store)).toEqual([]);
  });

  it("stops a server that does not answer at the headers timeout", async () => {
    publishOne();
    fake.setScenario({ delay: { ms: 1_500, routes: ["download"] } });
    const outcome = await ingest(
      sourcesConfigFor(fake, {
        ews: { baseUrl: undefined },
        api: { subscriptionKey: undefined },
        retry: { attempts: 1, minDelayMs: 1, maxDelayMs: 1 },
        timeouts: { headersMs: 500 },
      }),
    );
    expect(outcome.summary.results[0]).toMatchObject({ error: expect.stringContaining("did not start answering") });
  });

  it("records a NO Results answer as a failed file without retrying", async () => {
    publishOne();
    fake.setScenario("no-results");
    const outcome = await ingest(scrapeOnly());
    expect(outcome.summary.results[0]).toMatchObject({ error: expect.stringContaining("NO Results") });
    expect(downloads()).toHaveLength(1);
  });

  it.each(["empty-list", "missing-document-list", "null-document-list", "empty-string-document-list"] as const)(
    "reads %s as nothing listed, says so in the trail, and warns that today's DAILY is missing",
    async (scenario) => {
      fake.setScenario(scenario);
      const outcome = await ingest(scrapeOnly());
      expect(outcome).toMatchObject({ status: "warning", summary: { listed: 0, results: [] } });
      expect(outcome.summary.attempts).toEqual([
        { source: "scrape", error: expect.stringContaining("listed no document for report 203") },
      ]);
      expect(outcome.summary.warnings).toEqual([expect.stringContaining("No DAILY file for 2026-06-03")]);
    },
  );

  it("reads a single-document list and numeric fields", async () => {
    fake.setScenario("single-document");
    expect((await ingest(scrapeOnly())).summary.stored).toBe(1);
    fake.setScenario("numeric-fields");
    expect((await ingest(scrapeOnly())).status).toBe("succeeded");
  });

  it.each(["ews-compressed", "ews-compressed-gzip"] as const)(
    "lists through EWS when the reply payload is compressed (%s)",
    async (scenario) => {
      fake.setScenario(scenario);
      const outcome = await ingest(sourcesConfigFor(fake));
      expect(outcome).toMatchObject({ status: "succeeded", summary: { source: "ews" } });
    },
  );
});

describe("ERCOT ingest into S3 (s3rver)", () => {
  it("stores every file with the right bytes, and an aborted upload leaves no object and no open multipart upload", async () => {
    const s3 = new S3Storage({ ...inject("s3"), bucket: inject("s3").bucket, forcePathStyle: true });
    const sent: { command: string; key?: string }[] = [];
    s3.client.middlewareStack.add(
      (next, context) => (args) => {
        sent.push({ command: context.commandName ?? "", key: (args.input as { Key?: string }).Key });
        return next(args);
      },
      { step: "initialize" },
    );
    const outcome = await ingest(scrapeOnly(), { storage: s3 });
    expect(outcome.status).toBe("succeeded");
    for (const row of await db().ercotIngest.findMany()) {
      const object = await s3.get(row.storageKey);
      expect(await sha256(object!.body)).toBe(row.sha256);
    }

    // 20 MB: past one 8 MiB part, so the upload is multipart when the body breaks off.
    const big = fake.publish({
      tdsp: "CENTERPOINT",
      kind: "FUL",
      publishedAt: centralInstant("2026-06-03", 18, 11, 39),
      csvBytes: 20 * 1024 * 1024,
    });
    fake.setScenario({ truncateAfterBytes: 12 * 1024 * 1024 });
    const broken = await ingest(scrapeOnly(), { storage: s3 });
    expect(broken.summary.results.find((result) => result.docId === big.docId)).toMatchObject({
      error: expect.any(String),
    });
    const key = storageKeyFor(big);
    expect(await s3.head(key)).toBeNull();
    const started = sent.filter(
      (command) => command.command === "CreateMultipartUploadCommand" && command.key === key,
    ).length;
    const aborted = sent.filter(
      (command) => command.command === "AbortMultipartUploadCommand" && command.key === key,
    ).length;
    expect(started).toBeGreaterThan(0);
    expect(aborted).toBeGreaterThanOrEqual(started);
    expect(sent.some((command) => command.command === "CompleteMultipartUploadCommand" && command.key === key)).toBe(
      false,
    );
  }, 60_000);
});
