import { createHash } from "node:crypto";
import { Transform, type Readable } from "node:stream";

export interface StoredObject {
  key: string;
  sizeBytes: number;
  sha256: string;
}

export interface ObjectInfo {
  key: string;
  sizeBytes: number;
  lastModified?: Date;
  contentType?: string;
}

export interface PutOptions {
  contentType?: string;
  signal?: AbortSignal;
}

/**
 * Object storage behind one contract (tests/storage/storage-contract.test.ts runs it against both drivers).
 * `put` is all-or-nothing: if the body stream errors or the signal aborts, no object and no partial
 * upload remain under the key.
 */
export interface Storage {
  readonly driver: "local" | "s3";
  /** Human description for health panels, e.g. "local storage (.data/objects)". */
  readonly description: string;
  put(key: string, body: Readable, options?: PutOptions): Promise<StoredObject>;
  head(key: string): Promise<ObjectInfo | null>;
  get(key: string): Promise<(ObjectInfo & { body: Readable }) | null>;
  list(prefix: string): AsyncIterable<ObjectInfo>;
  delete(key: string): Promise<void>;
  /**
   * Aborts multipart uploads left open by a process that died mid-upload (S3 only; local files have none).
   * Idempotent and safe to run from several processes at once.
   */
  closeAbandonedUploads(): Promise<{ aborted: number; failed: number }>;
}

export class InvalidStorageKeyError extends Error {
  constructor(key: string, reason: string) {
    super(`Storage key ${JSON.stringify(key.slice(0, 200))} is not allowed: ${reason}.`);
    this.name = "InvalidStorageKeyError";
  }
}

/** Keys are relative, slash-separated paths: no "..", no absolute paths, no empty segments. */
export function assertSafeKey(key: string): string {
  if (typeof key !== "string" || key.length === 0) throw new InvalidStorageKeyError(String(key), "it is empty");
  if (key.length > 1024) throw new InvalidStorageKeyError(key, "it is longer than 1024 characters");
  if (key.startsWith("/") || /^[a-zA-Z]:/.test(key)) throw new InvalidStorageKeyError(key, "it is an absolute path");
  if (/[\\\0\r\n]/.test(key)) throw new InvalidStorageKeyError(key, "it contains a backslash or control character");
  const segments = key.split("/");
  if (segments.some((segment) => segment === ".." || segment === "."))
    throw new InvalidStorageKeyError(key, "it contains a '.' or '..' segment");
  if (segments.slice(0, -1).some((segment) => segment === "") || segments[segments.length - 1] === "") {
    throw new InvalidStorageKeyError(key, "it contains an empty path segment");
  }
  return key;
}

/** A prefix for list(): "" or a safe key, optionally ending in "/". */
export function assertSafePrefix(prefix: string): string {
  if (prefix === "") return prefix;
  assertSafeKey(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix);
  return prefix;
}

/** Counts bytes and computes SHA-256 as data flows through, without holding it. */
export function createDigestStream() {
  const hash = createHash("sha256");
  let sizeBytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      sizeBytes += chunk.length;
      callback(null, chunk);
    },
  });
  return {
    stream,
    result: () => ({ sizeBytes, sha256: hash.digest("hex") }),
  };
}
