import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, inject, it, vi } from "vitest";
import { db } from "~/db/prisma.server";
import { runIngest } from "~/ercot/ingest.server";
import { S3Storage } from "~/storage/s3.server";
import { postgresUploadJournal } from "~/storage/upload-journal.server";
import { startFakeErcot } from "../fakes/ercot/server";
import { TEST_RUN_SETTINGS, scrapeOnlyConfigFor } from "../ercot/support/test-run";
import { openUploadsOnDisk } from "../support/s3-server";

/**
 * Multipart uploads left open by a dead process are aborted by the sweep (docs/decisions/026-multipart-upload-journal.md),
 * checked against s3rver's files on disk and the StorageUpload table; a live upload of another instance is not.
 */
const s3 = inject("s3");
const MiB = 1024 * 1024;
const children: ReturnType<typeof spawn>[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

function storageWithGrace(graceMs: number) {
  return new S3Storage({ ...s3, forcePathStyle: true }, { journal: postgresUploadJournal, graceMs });
}

const records = (key: string) => db().storageUpload.findMany({ where: { key } });
const onDisk = (key: string) => openUploadsOnDisk(s3).filter((upload) => upload.key === key);

/** A separate process that opens an upload of `key` and stalls after its first part. */
function holdUpload(key: string, graceMs: number) {
  const tsxLoader = pathToFileURL(path.resolve("node_modules/tsx/dist/loader.mjs")).href;
  const child = spawn(process.execPath, ["--import", tsxLoader, path.resolve("tests/storage/support/hold-upload.ts")], {
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: path.resolve("tsconfig.json"),
      UPLOAD_S3: JSON.stringify(s3),
      UPLOAD_KEY: key,
      UPLOAD_GRACE_MS: String(graceMs),
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  children.push(child);
  return child;
}

/** A SIGKILLed process's upload, its first part on disk and its record not renewed for `graceMs`. */
async function abandonedUpload(key: string, graceMs: number) {
  const child = holdUpload(key, graceMs);
  await untilFirstPartStored(key);
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
  await vi.waitFor(
    async () => {
      const [{ stale }] = await db().$queryRaw<{ stale: boolean }[]>`
        SELECT bool_and("touchedAt" < (now() AT TIME ZONE 'UTC') - ${graceMs} * interval '1 millisecond') AS stale
          FROM "StorageUpload" WHERE key = ${key}`;
      expect(stale).toBe(true);
    },
    { timeout: 20_000, interval: 100 },
  );
}

async function untilFirstPartStored(key: string) {
  await vi.waitFor(
    async () => {
      expect(await records(key)).toHaveLength(1);
      const [upload] = onDisk(key);
      expect(upload).toBeDefined();
      expect(existsSync(path.join(s3.directory, s3.bucket, "._S3rver_uploads", upload.uploadId, "1"))).toBe(true);
    },
    { timeout: 30_000, interval: 100 },
  );
}

describe("sweep of multipart uploads left open", () => {
  it("aborts the upload of a SIGKILLed process once its grace has passed, not before", async () => {
    const key = `abandoned/${randomBytes(4).toString("hex")}.bin`;
    const child = holdUpload(key, 500);
    await untilFirstPartStored(key);
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });

    // Younger than a 10-minute grace: it could be another instance's live upload, so it stays.
    expect(await storageWithGrace(10 * 60_000).closeAbandonedUploads()).toEqual({ aborted: 0, failed: 0 });
    expect(onDisk(key)).toHaveLength(1);
    expect(await records(key)).toHaveLength(1);

    // Two instances sweeping at once, once nobody has renewed the record for 500 ms.
    const sweepers = [storageWithGrace(500), storageWithGrace(500)];
    await vi.waitFor(
      async () => {
        const results = await Promise.all(sweepers.map((store) => store.closeAbandonedUploads()));
        expect(results.map((result) => result.failed)).toEqual([0, 0]);
        expect(onDisk(key)).toEqual([]);
        expect(await records(key)).toEqual([]);
      },
      { timeout: 20_000, interval: 200 },
    );
  });

  it("leaves another instance's live upload alone, however long it runs, and it completes", async () => {
    const key = `live/${randomBytes(4).toString("hex")}.bin`;
    const owner = storageWithGrace(400);
    const body = new PassThrough();
    const put = owner.put(key, body);
    body.write(Buffer.alloc(6 * MiB, 3));
    await untilFirstPartStored(key);
    // Older than the grace period since it started, but renewed by its owner.
    await vi.waitFor(
      async () => {
        const [record] = await records(key);
        expect(record.touchedAt.getTime() - record.startedAt.getTime()).toBeGreaterThan(1_200);
      },
      { timeout: 20_000, interval: 100 },
    );

    const other = storageWithGrace(400);
    expect(await other.closeAbandonedUploads()).toEqual({ aborted: 0, failed: 0 });
    expect(onDisk(key)).toHaveLength(1);

    body.end(Buffer.alloc(MiB, 4));
    const stored = await put;
    expect(stored.sizeBytes).toBe(7 * MiB);
    expect(await owner.head(key)).toMatchObject({ sizeBytes: 7 * MiB });
    expect(onDisk(key)).toEqual([]);
    expect(await records(key)).toEqual([]);
  });

  it("an ERCOT run starts with a sweep", async () => {
    const key = `before-run/${randomBytes(4).toString("hex")}.bin`;
    await abandonedUpload(key, 500);
    const fake = await startFakeErcot();
    try {
      const outcome = await runIngest({
        ...TEST_RUN_SETTINGS,
        trigger: "manual",
        config: scrapeOnlyConfigFor(fake),
        storage: storageWithGrace(500),
        maxFiles: 1,
      });
      expect(outcome).not.toHaveProperty("running", true);
    } finally {
      await fake.stop();
    }
    expect(onDisk(key)).toEqual([]);
    expect(await records(key)).toEqual([]);
  });

  it("forgets a record whose upload is already gone (NoSuchUpload counts as done)", async () => {
    const key = `gone/${randomBytes(4).toString("hex")}.bin`;
    await db().storageUpload.create({
      data: { uploadId: "no-such-upload", bucket: s3.bucket, key, touchedAt: new Date(Date.now() - 3_600_000) },
    });
    expect(await storageWithGrace(1_000).closeAbandonedUploads()).toMatchObject({ failed: 0 });
    expect(await records(key)).toEqual([]);
  });

  it("records nothing for a small object (one PUT, no multipart upload)", async () => {
    const key = `small/${randomBytes(4).toString("hex")}.bin`;
    const body = new PassThrough();
    const put = storageWithGrace(1_000).put(key, body);
    body.end(Buffer.alloc(1024, 1));
    await put;
    expect(await records(key)).toEqual([]);
  });
});
