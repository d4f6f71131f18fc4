/**
 * A process that opens a multipart upload and never finishes it: it sends 6 MiB (one 5 MiB part goes out), then
 * its body stalls. The test SIGKILLs it, as a crash would. Config from env: UPLOAD_S3 (JSON of TestS3),
 * UPLOAD_KEY, UPLOAD_GRACE_MS, plus DATABASE_URL/DATABASE_SCHEMA.
 */
import { Readable } from "node:stream";
import { S3Storage } from "~/storage/s3.server";
import { postgresUploadJournal } from "~/storage/upload-journal.server";

const s3 = JSON.parse(process.env.UPLOAD_S3 ?? "{}") as Record<string, string>;
const storage = new S3Storage(
  {
    endpoint: s3.endpoint,
    region: s3.region,
    bucket: s3.bucket,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
  },
  { journal: postgresUploadJournal, graceMs: Number(process.env.UPLOAD_GRACE_MS) },
);

let sent = 0;
const body = new Readable({
  read() {
    if (sent >= 6 * 1024 * 1024) return; // stall: no more data, no end
    sent += 64 * 1024;
    this.push(Buffer.alloc(64 * 1024, 7));
  },
});
await storage.put(process.env.UPLOAD_KEY ?? "held/object.bin", body);
