import { db } from "~/db/prisma.server";

export interface OpenUpload {
  uploadId: string;
  bucket: string;
  key: string;
}

/**
 * Where the S3 driver records each multipart upload it opens, so that one left open by a killed process can be
 * found and aborted later. Times are the database's, so instances with skewed clocks agree on what is stale.
 */
export interface UploadJournal {
  opened(upload: OpenUpload): Promise<void>;
  closed(uploadId: string): Promise<void>;
  /** The owner is alive: renews these uploads' `touchedAt`. */
  touch(uploadIds: string[]): Promise<void>;
  /** Uploads nobody renewed for `graceMs`, except `owned` (this process's). */
  stale(graceMs: number, owned: string[]): Promise<OpenUpload[]>;
}

const UTC_NOW = `(now() AT TIME ZONE 'UTC')`;

/** The `StorageUpload` table. */
export const postgresUploadJournal: UploadJournal = {
  async opened({ uploadId, bucket, key }) {
    await db().$executeRawUnsafe(
      `INSERT INTO "StorageUpload" ("uploadId", bucket, key, "startedAt", "touchedAt")
       VALUES ($1, $2, $3, ${UTC_NOW}, ${UTC_NOW}) ON CONFLICT ("uploadId") DO NOTHING`,
      uploadId,
      bucket,
      key,
    );
  },
  async closed(uploadId) {
    await db().storageUpload.deleteMany({ where: { uploadId } });
  },
  async touch(uploadIds) {
    if (uploadIds.length === 0) return;
    await db().$executeRawUnsafe(
      `UPDATE "StorageUpload" SET "touchedAt" = ${UTC_NOW} WHERE "uploadId" = ANY($1::text[])`,
      uploadIds,
    );
  },
  async stale(graceMs, owned) {
    return db().$queryRawUnsafe<OpenUpload[]>(
      `SELECT "uploadId", bucket, key FROM "StorageUpload"
        WHERE "touchedAt" < ${UTC_NOW} - $1 * interval '1 millisecond' AND NOT ("uploadId" = ANY($2::text[]))
        ORDER BY "touchedAt" LIMIT 1000`,
      graceMs,
      owned,
    );
  },
};
