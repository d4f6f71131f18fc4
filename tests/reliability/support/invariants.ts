import { createHash } from "node:crypto";
import { db } from "~/db/prisma.server";
import { storedIntervalCount } from "~/smt/intervals.server";
import { storage as configuredStorage, type Storage } from "~/storage/index.server";
import { openUploadsOnDisk, type TestS3 } from "../../support/s3-server";

/** A stack trace or an internal path in an answer meant for a person. */
export const STACK_TRACE = /\n\s+at \S|node_modules|\/app\/[\w/.-]+\.ts|\.js:\d+:\d+|PrismaClient|ECONNREFUSED/;

async function keys(storage: Storage, prefix: string) {
  const found = new Set<string>();
  for await (const object of storage.list(prefix)) found.add(object.key);
  return found;
}

/**
 * The data-safety invariants of issue 10, checked after every case. Each entry is one violation, described; an
 * empty list means: every stored ErcotIngest has its object with the same size and SHA-256, no object lacks its
 * row, no run is `running` past its lease, and every SMT file is either loaded (`parsed`) or `failed`.
 */
export async function checkInvariants(
  storage: Storage = configuredStorage(),
): Promise<{ lost: string[]; orphans: string[]; stuck: string[] }> {
  const lost: string[] = [];
  const orphans: string[] = [];
  const stuck: string[] = [];

  const ercotRows = await db().ercotIngest.findMany({ where: { status: "stored" } });
  for (const row of ercotRows) {
    const object = await storage.get(row.storageKey);
    if (!object) {
      lost.push(`ErcotIngest ${row.id}: no object at ${row.storageKey}`);
      continue;
    }
    const hash = createHash("sha256");
    let size = 0;
    for await (const chunk of object.body) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    if (BigInt(size) !== BigInt(row.sizeBytes ?? -1) || hash.digest("hex") !== row.sha256) {
      lost.push(`ErcotIngest ${row.id}: object ${row.storageKey} differs from its row`);
    }
  }
  const ercotKeys = new Set(
    (await db().ercotIngest.findMany({ select: { storageKey: true } })).map((row) => row.storageKey),
  );
  for (const key of await keys(storage, "ercot/"))
    if (!ercotKeys.has(key)) orphans.push(`object ${key} has no ErcotIngest`);

  const smtKeys = new Set((await db().smtRawFile.findMany({ select: { storageKey: true } })).map((r) => r.storageKey));
  for (const key of await keys(storage, "smt/")) if (!smtKeys.has(key)) orphans.push(`object ${key} has no SmtRawFile`);

  const running = await db().ingestRun.findMany({ where: { status: "running" } });
  for (const run of running) {
    if (run.leaseExpiresAt.getTime() < Date.now()) stuck.push(`IngestRun ${run.id} is running past its lease`);
  }
  const half = await db().smtRawFile.findMany({ where: { status: "received" }, select: { id: true, filename: true } });
  for (const raw of half) stuck.push(`SmtRawFile ${raw.id} (${raw.filename}) is neither loaded nor failed`);
  return { lost, orphans, stuck };
}

export async function loadedRowCount() {
  return (await storedIntervalCount()) + (await db().smtBillingRead.count());
}

/**
 * Multipart uploads still open: parts of `bucket` left in s3rver's directory, and StorageUpload records (each
 * one an upload the portal opened and has not seen completed or aborted).
 */
export async function openUploads(s3: TestS3, bucket: string): Promise<string[]> {
  const onDisk = openUploadsOnDisk(s3, bucket).map((upload) => `parts of ${upload.key} (${upload.uploadId}) on disk`);
  const records = await db().storageUpload.findMany();
  return [...onDisk, ...records.map((record) => `StorageUpload ${record.uploadId} for ${record.key}`)];
}
