import { db } from "~/db/prisma.server";
import { storage } from "~/storage/index.server";
import type { Readable } from "node:stream";

const CONTENT_TYPES: Record<string, string> = {
  "interval-csv": "text/csv",
  "billing-csv": "text/csv",
  "interval-json": "application/json",
  zip: "application/zip",
};

export type RawFileDownload =
  | { kind: "found"; filename: string; contentType: string; sizeBytes: number; body: Readable }
  | { kind: "notFound"; message: string };

/** A received SMT file's original bytes, as a stream from storage, for the raw download. */
export async function openRawFile(rawFileId: number): Promise<RawFileDownload> {
  const row =
    Number.isInteger(rawFileId) && rawFileId > 0
      ? await db().smtRawFile.findUnique({ where: { id: rawFileId } })
      : null;
  if (!row) return { kind: "notFound", message: "There is no SMT file with that id." };
  const object = await storage().get(row.storageKey);
  if (!object) {
    return {
      kind: "notFound",
      message: `The SMT file is recorded but missing from storage (${row.storageKey}); ask the droplet to send it again.`,
    };
  }
  return {
    kind: "found",
    filename: row.filename,
    contentType: CONTENT_TYPES[row.kind ?? ""] ?? "application/octet-stream",
    sizeBytes: object.sizeBytes,
    body: object.body,
  };
}
