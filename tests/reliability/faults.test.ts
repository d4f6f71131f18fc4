import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { db } from "~/db/prisma.server";
import type { ErcotSourcesConfig } from "~/ercot/config";
import type { IngestOutcome } from "~/ercot/ingest.server";
import { S3Storage } from "~/storage/s3.server";
import { postgresUploadJournal } from "~/storage/upload-journal.server";
import type { FakeScenario, ScenarioName } from "../fakes/ercot/scenario";
import { centralInstant } from "../fakes/ercot/publication";
import { startFakeErcot, type FakeErcot } from "../fakes/ercot/server";
import type { TestS3 } from "../support/s3-server";
import { sourcesConfigFor } from "../fakes/ercot/sources-config";
import { completedRun, scrapeOnlyConfigFor } from "../ercot/support/test-run";
import { startFaultProxy, type Fault } from "./support/fault-proxy";
import { checkInvariants, openUploads } from "./support/invariants";
import { FULL_RUN, recordFigures } from "./support/report";

/**
 * Fault suite (issue 10 §1), ERCOT side: every fake-ERCOT fault and storage resets/stalls through a TCP proxy in
 * front of s3rver. After each case the invariants hold and the next, fault-free run completes with every file.
 */
const caseFor = (waits?: string) => (waits && !FULL_RUN ? it.skip : it);

let fake: FakeErcot;
let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
let store: S3Storage;
/** The same bucket without the proxy: the invariants must not read through the fault. */
let direct: S3Storage;
let s3: TestS3;
let bucket: string;

beforeAll(async () => {
  fake = await startFakeErcot();
  s3 = inject("s3");
  const endpoint = new URL(s3.endpoint);
  proxy = await startFaultProxy({ host: endpoint.hostname, port: Number(endpoint.port) });
  // A bucket of its own, so the orphan check sees only this file's objects.
  bucket = `reliability-${randomBytes(4).toString("hex")}`;
  const credentials = { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
  const admin = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials });
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  admin.destroy();
  direct = new S3Storage({ endpoint: s3.endpoint, region: s3.region, bucket, ...credentials, forcePathStyle: true });
  // Journaled like the portal's, so an upload the fault left open shows as a StorageUpload record too.
  store = new S3Storage(
    { endpoint: proxy.url, region: s3.region, bucket, ...credentials, forcePathStyle: true },
    { journal: postgresUploadJournal, graceMs: 60_000 },
  );
});
afterAll(async () => {
  await proxy?.stop();
  await fake?.stop();
});
beforeEach(() => {
  fake.reset();
  proxy.set({ kind: "pass" });
});

const scrapeOnly = (): ErcotSourcesConfig => scrapeOnlyConfigFor(fake);
const apiFirst = (): ErcotSourcesConfig => sourcesConfigFor(fake, { ews: { baseUrl: undefined } });

function ingest(config: ErcotSourcesConfig): Promise<IngestOutcome> {
  return completedRun({
    trigger: "manual",
    config,
    storage: store,
    // Test-scale allowance: the slow-drip and stall cases end in seconds, not the production two minutes.
    deadlines: { fileAllowanceMs: 5_000 },
  });
}

function publishOne(csvBytes: number) {
  fake.clearDocuments();
  const day = 3 + Math.floor(Math.random() * 20);
  return fake.publish({
    tdsp: "ONCOR_ELEC",
    publishedAt: centralInstant(`2026-05-${String(day).padStart(2, "0")}`, 5, 52, 19, 164),
    csvBytes,
  });
}

interface FaultCase {
  name: string;
  scenario?: ScenarioName | Partial<FakeScenario>;
  storageFault?: Fault;
  config?: () => ErcotSourcesConfig;
  csvBytes?: number;
  waits?: string;
}

const CASES: FaultCase[] = [
  { name: "ERCOT 5xx on every request", scenario: "server-errors" },
  { name: "ERCOT 502 once, then fine", scenario: "server-error-once" },
  {
    name: "ERCOT 429 from the Public API",
    scenario: { apiRateLimit: { perWindow: 0, windowMs: 60_000 } },
    config: apiFirst,
  },
  { name: "ERCOT maintenance HTML with 503", scenario: "maintenance-503" },
  { name: "ERCOT maintenance HTML with 200", scenario: "maintenance-200" },
  { name: "ERCOT truncated body", scenario: "truncated" },
  { name: "ERCOT 'NO Results' instead of a zip", scenario: "no-results" },
  { name: "ERCOT answers after 3 s", scenario: "slow" },
  { name: "ERCOT empty document list", scenario: "empty-list" },
  { name: "ERCOT list without its key", scenario: "missing-document-list" },
  { name: "ERCOT product page without the product", scenario: "page-without-product" },
  {
    name: "storage reset mid-upload (multipart)",
    storageFault: { kind: "reset", afterBytes: 7 * 1024 * 1024 },
    csvBytes: 12_000_000,
  },
  {
    name: "storage reset mid-upload (single put)",
    storageFault: { kind: "reset", afterBytes: 20_000 },
    csvBytes: 200_000,
  },
  {
    name: "storage stall mid-upload",
    storageFault: { kind: "stall", afterBytes: 20_000 },
    csvBytes: 200_000,
  },
  // A body dripping 16 bytes a second never trips an idle timeout: only the per-file deadline ends it.
  { name: "ERCOT slow-drip body", scenario: { slowBody: { chunkBytes: 16, intervalMs: 1_000 } } },
];

describe("fault suite: ERCOT and storage", () => {
  for (const fault of CASES) {
    caseFor(fault.waits)(fault.name, { timeout: 180_000 }, async () => {
      const document = publishOne(fault.csvBytes ?? 40_000);
      if (fault.scenario) fake.setScenario(fault.scenario);
      if (fault.storageFault) proxy.set(fault.storageFault);
      const faulty = await ingest((fault.config ?? scrapeOnly)());
      expect(["succeeded", "warning", "partial", "failed"]).toContain(faulty.status);
      const afterFault = { ...(await checkInvariants(direct)), openUploads: await openUploads(s3, bucket) };

      fake.setScenario("normal");
      proxy.set({ kind: "pass" });
      const next = await ingest(scrapeOnly());
      const stored = await db().ercotIngest.findMany({ where: { docId: document.docId, status: "stored" } });
      const afterNext = { ...(await checkInvariants(direct)), openUploads: await openUploads(s3, bucket) };
      recordFigures("faults", fault.name, {
        lost: afterFault.lost.length + afterNext.lost.length + (stored.length === 1 ? 0 : 1),
        duplicated: Math.max(0, stored.length - 1),
        orphans:
          afterFault.orphans.length +
          afterNext.orphans.length +
          afterFault.openUploads.length +
          afterNext.openUploads.length,
      });
      expect({ afterFault, afterNext }).toEqual({
        afterFault: { lost: [], orphans: [], stuck: [], openUploads: [] },
        afterNext: { lost: [], orphans: [], stuck: [], openUploads: [] },
      });
      // "warning": nothing new while a DAILY is overdue (the fault run may already have stored the file).
      expect(["succeeded", "warning"]).toContain(next.status);
      expect(stored).toHaveLength(1);
    });
  }
});
