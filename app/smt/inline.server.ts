import path from "node:path";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { z } from "zod";
import { formatBytes } from "~/format/bytes";
import {
  UploadRejectedError,
  chunksOf,
  drainBody,
  makeSpoolDir,
  safeBasename,
  spoolStream,
  tooLargeMessage,
} from "./upload.server";
import type { SpooledFile } from "./spooled-file";

/**
 * The JSON body field droplets already send (docs/DEPLOY_SMT_INGEST.md): a base64 file inline. Kept near 4 MB
 * because the old host refused bigger bodies; anything larger belongs in a multipart post, which streams.
 */
export const INLINE_BODY_MAX_BYTES = 4 * 1024 * 1024;

/**
 * The decoded inline file is held in memory, so it is capped after decompression too: a 4 MB body of gzip can
 * otherwise expand to the whole upload limit. Larger files go as multipart, which streams to disk.
 */
export const INLINE_DECODED_MAX_BYTES = 64 * 1024 * 1024;

const gunzipAsync = promisify(gunzip);

const text = z.union([z.string(), z.number()]).transform((value) => String(value).trim());

const inlineSchema = z.object({
  mode: z.literal("inline").optional(),
  source: text.optional(),
  filename: text.refine((value) => value !== "", "filename is blank"),
  mime: text.optional(),
  encoding: z.enum(["base64", "base64+gzip"]).default("base64"),
  content_b64: z.string().min(1, "content_b64 is empty"),
  esiid: text.optional(),
  meter: text.optional(),
  captured_at: text.optional(),
  sizeBytes: z.number().int().nonnegative().optional(),
});

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export type WebhookJson =
  | { kind: "ping" }
  | {
      kind: "inline";
      filename: string;
      source?: string;
      mime?: string;
      encoding: "base64" | "base64+gzip";
      content: Buffer;
      esiid?: string;
      meter?: string;
      capturedAt?: string;
    };

export function inlineTooLargeMessage(): string {
  return (
    `The JSON body is larger than ${formatBytes(INLINE_BODY_MAX_BYTES)}. Inline posts are for small files: ` +
    `send this one as multipart/form-data (field “file”), as scripts/smt/fetch_and_post.sh does.`
  );
}

/** Reads at most INLINE_BODY_MAX_BYTES of the body; more is a 413 that points to multipart. */
export async function readJsonBody(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > INLINE_BODY_MAX_BYTES) {
    await drainBody(request, declared);
    throw new UploadRejectedError(413, inlineTooLargeMessage());
  }
  const chunks: Buffer[] = [];
  let length = 0;
  if (request.body) {
    for await (const chunk of chunksOf(request.body)) {
      length += chunk.length;
      if (length > INLINE_BODY_MAX_BYTES) throw new UploadRejectedError(413, inlineTooLargeMessage());
      chunks.push(Buffer.from(chunk));
    }
  }
  const body = Buffer.concat(chunks).toString("utf8").trim();
  if (body === "") return {};
  try {
    return JSON.parse(body);
  } catch {
    throw new UploadRejectedError(400, "The body is not valid JSON.");
  }
}

/**
 * A ping (`{"mode":"ping"}`, `{"ping":true}` or an empty body, for scripts/admin/test_webhook.sh) or an inline
 * file `{ mode: "inline", filename, encoding, content_b64, sizeBytes, … }`, decoded and checked.
 */
export async function decodeWebhookJson(body: unknown, maxFileBytes: number): Promise<WebhookJson> {
  const record = body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  if (!record) throw new UploadRejectedError(400, "The JSON body should be an object.");
  if (Object.keys(record).length === 0 || record.mode === "ping" || record.ping === true) return { kind: "ping" };
  if (record.content_b64 === undefined && record.mode !== "inline") {
    throw new UploadRejectedError(
      400,
      'Expected {"mode":"ping"} or an inline file {"mode":"inline","filename","encoding":"base64"|"base64+gzip","content_b64","sizeBytes",…}.',
    );
  }
  const parsed = inlineSchema.safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UploadRejectedError(
      400,
      `The inline post is not valid: ${issue.path.join(".") || "body"}: ${issue.message}.`,
    );
  }
  const inline = parsed.data;
  const b64 = inline.content_b64.replace(/\s+/g, "");
  if (!BASE64.test(b64) || b64.length % 4 === 1) throw new UploadRejectedError(400, "content_b64 is not valid base64.");
  const decoded = Buffer.from(b64, "base64");
  let content = decoded;
  if (inline.encoding === "base64+gzip") {
    const decodedMax = Math.min(maxFileBytes, INLINE_DECODED_MAX_BYTES);
    try {
      content = await gunzipAsync(decoded, { maxOutputLength: decodedMax });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError) {
        throw new UploadRejectedError(
          413,
          decodedMax < maxFileBytes
            ? `The gzip content unpacks to more than ${formatBytes(decodedMax)}, the limit for inline posts. ` +
              "Send this file as multipart/form-data (field “file”), which streams it."
            : tooLargeMessage(maxFileBytes),
        );
      }
      throw new UploadRejectedError(400, 'content_b64 is not gzip data, but encoding says "base64+gzip".');
    }
  }
  if (inline.sizeBytes !== undefined && inline.sizeBytes !== content.length) {
    throw new UploadRejectedError(
      400,
      `sizeBytes says ${inline.sizeBytes} but the decoded file is ${content.length} bytes; the file was damaged on the way or sizeBytes is wrong.`,
    );
  }
  return {
    kind: "inline",
    filename: inline.filename,
    source: inline.source,
    mime: inline.mime,
    encoding: inline.encoding,
    content,
    esiid: inline.esiid || undefined,
    meter: inline.meter || undefined,
    capturedAt: inline.captured_at || undefined,
  };
}

/** Writes the decoded bytes to a temporary file so the inline path ingests exactly like multipart. */
export async function spoolInline(
  inline: Extract<WebhookJson, { kind: "inline" }>,
  maxFileBytes: number,
): Promise<{ file: SpooledFile; cleanup: () => Promise<void> }> {
  const spool = await makeSpoolDir();
  try {
    const file = await spoolStream([inline.content], path.join(spool.dir, "inline"), {
      filename: safeBasename(inline.filename),
      contentType: inline.mime || "application/octet-stream",
      maxBytes: maxFileBytes,
    });
    return { file, cleanup: spool.cleanup };
  } catch (error) {
    await spool.cleanup();
    throw error;
  }
}
