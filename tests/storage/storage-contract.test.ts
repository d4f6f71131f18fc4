import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { describe, expect, inject, it } from "vitest";
import { LocalStorage } from "~/storage/local.server";
import { S3Storage } from "~/storage/s3.server";
import { InvalidStorageKeyError, type Storage } from "~/storage/storage.server";

const MiB = 1024 * 1024;

/** A deterministic stream of `size` bytes, produced chunk by chunk. */
function generated(size: number, failAfter?: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && sent >= failAfter) return this.destroy(new Error("source connection reset"));
      if (sent >= size) return this.push(null);
      const chunk = Buffer.alloc(Math.min(64 * 1024, size - sent), sent % 251);
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

function sha256Of(size: number) {
  const hash = createHash("sha256");
  let sent = 0;
  while (sent < size) {
    const chunk = Buffer.alloc(Math.min(64 * 1024, size - sent), sent % 251);
    hash.update(chunk);
    sent += chunk.length;
  }
  return hash.digest("hex");
}

async function keys(store: Storage, prefix: string) {
  const found: string[] = [];
  for await (const object of store.list(prefix)) found.push(object.key);
  return found;
}

const drivers: [string, () => Storage][] = [
  ["local", () => new LocalStorage(mkdtempSync(path.join(os.tmpdir(), "storage-contract-")))],
  ["s3 (s3rver)", () => new S3Storage({ ...inject("s3"), forcePathStyle: true })],
];

describe.each(drivers)("storage contract: %s", (name, make) => {
  const store = make();
  const sent: { command: string; key?: string }[] = [];
  if (store instanceof S3Storage) {
    store.client.middlewareStack.add(
      (next, context) => (args) => {
        sent.push({ command: context.commandName ?? "", key: (args.input as { Key?: string }).Key });
        return next(args);
      },
      { step: "initialize" },
    );
  }
  const prefix = `contract-${Date.now()}-${Math.random().toString(36).slice(2)}`;

  it("stores a stream and reports its size and SHA-256 computed in-stream", async () => {
    const size = 3 * MiB + 17;
    const stored = await store.put(`${prefix}/ercot/2026-06-03/a.zip`, generated(size), {
      contentType: "application/zip",
    });
    expect(stored).toEqual({ key: `${prefix}/ercot/2026-06-03/a.zip`, sizeBytes: size, sha256: sha256Of(size) });
    const head = await store.head(stored.key);
    expect(head?.sizeBytes).toBe(size);
    const object = await store.get(stored.key);
    const hash = createHash("sha256");
    for await (const chunk of object!.body) hash.update(chunk);
    expect(hash.digest("hex")).toBe(sha256Of(size));
  });

  it("stores multipart-sized objects byte for byte", async () => {
    const size = 20 * MiB + 5;
    const stored = await store.put(`${prefix}/big.bin`, generated(size));
    const object = await store.get(stored.key);
    const hash = createHash("sha256");
    let length = 0;
    for await (const chunk of object!.body) {
      hash.update(chunk);
      length += chunk.length;
    }
    expect(length).toBe(size);
    expect(hash.digest("hex")).toBe(stored.sha256);
  });

  it("leaves no object and no partial upload when the source stream fails", async () => {
    const key = `${prefix}/failed.bin`;
    await expect(store.put(key, generated(30 * MiB, 12 * MiB))).rejects.toThrow(/connection reset/);
    expect(await store.head(key)).toBeNull();
    if (store instanceof S3Storage) {
      // s3rver implements neither ListMultipartUploads nor AbortMultipartUpload, so check what was sent.
      const started = sent.filter((c) => c.command === "CreateMultipartUploadCommand" && c.key === key).length;
      const aborted = sent.filter((c) => c.command === "AbortMultipartUploadCommand" && c.key === key).length;
      expect(started).toBe(1);
      expect(aborted).toBeGreaterThanOrEqual(1);
      expect(sent.some((c) => c.command === "CompleteMultipartUploadCommand" && c.key === key)).toBe(false);
    } else {
      const tempDir = path.join((store as unknown as { root: string }).root, ".tmp");
      expect(await readdir(tempDir)).toEqual([]);
    }
  });

  it("leaves no object when the upload is aborted", async () => {
    const key = `${prefix}/aborted.bin`;
    const controller = new AbortController();
    const slow = new Readable({ read() {} });
    slow.push(Buffer.alloc(1024));
    const pending = store.put(key, slow, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("run cancelled")), 50);
    await expect(pending).rejects.toThrow();
    slow.destroy();
    expect(await store.head(key)).toBeNull();
  });

  it("lists by prefix and deletes", async () => {
    await store.put(`${prefix}/list/x/1.txt`, Readable.from(["one"]));
    await store.put(`${prefix}/list/x/2.txt`, Readable.from(["two"]));
    await store.put(`${prefix}/list/y/3.txt`, Readable.from(["three"]));
    expect(await keys(store, `${prefix}/list/x/`)).toEqual([`${prefix}/list/x/1.txt`, `${prefix}/list/x/2.txt`]);
    expect((await keys(store, `${prefix}/list/`)).length).toBe(3);
    await store.delete(`${prefix}/list/x/1.txt`);
    expect(await store.head(`${prefix}/list/x/1.txt`)).toBeNull();
    expect(await text((await store.get(`${prefix}/list/x/2.txt`))!.body)).toBe("two");
  });

  it("answers null for a missing key", async () => {
    expect(await store.head(`${prefix}/missing`)).toBeNull();
    expect(await store.get(`${prefix}/missing`)).toBeNull();
  });

  it.each(["../escape", "a/../../etc/passwd", "/etc/passwd", "a//b", "a\\b", "", "./a", "a/"])(
    `rejects the unsafe key %j (${name})`,
    async (key) => {
      await expect(store.put(key, Readable.from(["x"]))).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(store.head(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    },
  );
});
