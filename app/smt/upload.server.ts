import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { formatBytes } from "~/format/bytes";
import busboy from "busboy";
import { HEAD_BYTES, type SpooledFile } from "./spooled-file";

/** Multipart framing and the small text fields around each file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
/**
 * An oversized part is read on (and dropped) for up to this much more, so the sender gets the 413 instead of a
 * reset connection; a body without Content-Length that goes on beyond it is cut off.
 */
const DRAIN_MAX_BYTES = 256 * 1024 * 1024;
const FIELD_MAX_BYTES = 16 * 1024;

/** An upload refused before ingest; `status` is the HTTP answer and `message` the sentence for the sender. */
export class UploadRejectedError extends Error {
  override readonly name = "UploadRejectedError";
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

export function tooLargeMessage(maxBytes: number): string {
  return `The file is larger than the ${formatBytes(maxBytes)} upload limit (SMT_UPLOAD_MAX_BYTES). Split it, or raise the limit.`;
}

export interface SpooledUpload {
  files: SpooledFile[];
  fields: Record<string, string>;
  /** Removes the temporary folder; call it in `finally`. */
  cleanup(): Promise<void>;
}

/**
 * The last segment of a client-supplied name, reduced to letters, digits and `._-()` plus spaces, so it can be
 * shown and used as the last segment of a storage key: no `..`, no slashes, no control characters.
 */
export function safeBasename(name: string | null | undefined, fallback = "upload.bin"): string {
  const last = (name ?? "").split(/[\\/]/).pop() ?? "";
  const cleaned = last
    .replace(/[^A-Za-z0-9._() -]/g, "_")
    .replace(/^[.\s]+/, "")
    .trim()
    .slice(-120);
  return cleaned === "" || /^\.*$/.test(cleaned) ? fallback : cleaned;
}

/** Hashes, counts and keeps the head of the bytes flowing through; past `maxBytes` it drops them (`overflow`). */
class SpoolTap extends Transform {
  readonly hash = createHash("sha256");
  sizeBytes = 0;
  overflow = false;
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.sizeBytes += chunk.length;
    if (this.sizeBytes > this.maxBytes) {
      this.overflow = true;
      if (this.sizeBytes > this.maxBytes + DRAIN_MAX_BYTES) {
        return callback(new UploadRejectedError(413, tooLargeMessage(this.maxBytes)));
      }
      return callback();
    }
    this.hash.update(chunk);
    if (this.headLength < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - this.headLength);
      this.headChunks.push(Buffer.from(part));
      this.headLength += part.length;
    }
    callback(null, chunk);
  }

  head(): Buffer {
    return Buffer.concat(this.headChunks);
  }
}

/** Writes a stream to `filePath` with backpressure (pipeline), returning what the tap saw. */
export async function spoolStream(
  source: Readable | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  filePath: string,
  meta: { filename: string; contentType: string; maxBytes: number },
): Promise<SpooledFile> {
  const tap = new SpoolTap(meta.maxBytes);
  const input = source instanceof Readable ? source : Readable.from(source, { objectMode: false });
  await pipeline(input, tap, createWriteStream(filePath, { flags: "wx", mode: 0o600 }));
  if (tap.overflow) throw new UploadRejectedError(413, tooLargeMessage(meta.maxBytes));
  return {
    path: filePath,
    filename: meta.filename,
    contentType: meta.contentType,
    sizeBytes: tap.sizeBytes,
    sha256: tap.hash.digest("hex"),
    head: tap.head(),
  };
}

/**
 * Reads a refused body to its end without keeping it, when it is not absurdly large: a server that answers
 * before the body is read resets the connection, and many clients then lose the answer.
 */
export async function drainBody(request: Request, declaredLength: number): Promise<void> {
  if (!request.body || !(declaredLength <= DRAIN_MAX_BYTES)) return;
  for await (const _chunk of chunksOf(request.body));
}

/** The chunks of a web stream body, for `for await` (the DOM typings do not declare it async-iterable). */
export async function* chunksOf(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) yield read.value;
  } finally {
    // Left early (a limit was hit): stop the body as `for await` over a stream would.
    await reader.cancel().catch(() => undefined);
  }
}

export async function makeSpoolDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "smt-upload-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Streams a multipart request: every part named `fileField` goes to its own temporary file (never into memory:
 * `request.formData()` would buffer it whole), other parts become short text fields. busboy reads the body's Node
 * stream without copying each chunk (docs/decisions/028-smt-ingest-speed-and-memory.md).
 */
export async function spoolMultipart(
  request: Request,
  options: { maxFileBytes: number; maxFiles: number; fileField?: string },
): Promise<SpooledUpload> {
  const fileField = options.fileField ?? "file";
  const declaredLength = Number(request.headers.get("content-length") ?? NaN);
  if (declaredLength > (options.maxFileBytes + MULTIPART_OVERHEAD_BYTES) * options.maxFiles) {
    await drainBody(request, declaredLength);
    throw new UploadRejectedError(413, tooLargeMessage(options.maxFileBytes));
  }
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data;\s*boundary=/i.test(contentType)) {
    throw new UploadRejectedError(415, "Send the file as multipart/form-data with the file in the field “file”.");
  }

  const spool = await makeSpoolDir();
  try {
    const { files, fields } = await readMultipart(request, contentType, fileField, options, spool.dir);
    return { files, fields, cleanup: spool.cleanup };
  } catch (error) {
    await spool.cleanup();
    if (error instanceof UploadRejectedError) throw error;
    throw new UploadRejectedError(400, "The multipart body could not be read; send the file again.");
  }
}

async function readMultipart(
  request: Request,
  contentType: string,
  fileField: string,
  options: { maxFileBytes: number; maxFiles: number },
  dir: string,
): Promise<{ files: SpooledFile[]; fields: Record<string, string> }> {
  if (!request.body)
    throw new UploadRejectedError(400, "The request has no body; send the file as multipart/form-data.");
  const files: Promise<SpooledFile>[] = [];
  const fields: Record<string, string> = {};
  const parser = busboy({ headers: { "content-type": contentType }, limits: { fieldSize: FIELD_MAX_BYTES } });
  // A refusal stops the reading at once: the pipeline below rejects with it.
  const refuse = (error: unknown) => parser.destroy(error instanceof Error ? error : new Error(String(error)));
  parser.on("file", (name, data, info) => {
    // A file in another field, or a file input left empty (a part with no file name): read past it.
    if (name !== fileField || !info.filename) {
      data.resume();
      return;
    }
    if (files.length >= options.maxFiles) {
      data.resume();
      return refuse(
        new UploadRejectedError(
          400,
          `At most ${options.maxFiles} file${options.maxFiles === 1 ? "" : "s"} can be sent in one request.`,
        ),
      );
    }
    const spooled = spoolStream(data, path.join(dir, String(files.length)), {
      filename: safeBasename(info.filename),
      contentType: info.mimeType || "application/octet-stream",
      maxBytes: options.maxFileBytes,
    });
    spooled.catch(refuse);
    files.push(spooled);
  });
  parser.on("field", (name, value, info) => {
    if (info.valueTruncated) refuse(new UploadRejectedError(400, "A form field is longer than 16 KiB."));
    else fields[name] = value.trim();
  });
  await pipeline(Readable.fromWeb(request.body as WebReadableStream<Uint8Array>), parser);
  return { files: await Promise.all(files), fields };
}
