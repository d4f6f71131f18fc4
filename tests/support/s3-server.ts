import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import S3rver, { type KoaContext } from "s3rver";
import { freePort } from "./test-database";

export interface TestS3 {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** s3rver's files, so a test can see which multipart uploads still have parts on disk. */
  directory: string;
}

/** Where s3rver (lib/stores/filesystem.js) keeps a bucket's open multipart uploads, one directory per UploadId. */
function uploadsDirectory(directory: string, bucket: string) {
  return path.join(directory, bucket, "._S3rver_uploads");
}

/** The multipart uploads of `bucket` that are still open on disk (created, neither completed nor aborted). */
export function openUploadsOnDisk(s3: TestS3, bucket = s3.bucket): { uploadId: string; key: string }[] {
  const uploads = uploadsDirectory(s3.directory, bucket);
  if (!existsSync(uploads)) return [];
  return readdirSync(uploads).map((uploadId) => ({
    uploadId,
    key: existsSync(path.join(uploads, uploadId, "key"))
      ? readFileSync(path.join(uploads, uploadId, "key"), "utf8")
      : "",
  }));
}

const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * What real S3 answers and s3rver does not (it answers 405): AbortMultipartUpload (`DELETE /bucket/key?uploadId=`,
 * 204 and the parts gone, or 404 NoSuchUpload) and ListMultipartUploads (`GET /bucket?uploads`). Path-style only,
 * no signature check (s3rver's own routes still check it for everything else).
 */
function multipartExtras(directory: string) {
  return async (ctx: KoaContext, next: () => Promise<void>) => {
    const [, bucket, ...keyParts] = ctx.path.split("/");
    const uploadId = ctx.query.uploadId;
    if (ctx.method === "DELETE" && typeof uploadId === "string" && keyParts.length > 0) {
      const uploadDir = path.join(uploadsDirectory(directory, bucket), uploadId);
      if (!/^[\w-]+$/.test(uploadId) || !existsSync(uploadDir)) {
        ctx.status = 404;
        ctx.type = "application/xml";
        ctx.body = xml(
          `<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message><UploadId>${escapeXml(uploadId)}</UploadId></Error>`,
        );
        return;
      }
      rmSync(uploadDir, { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    if (ctx.method === "GET" && "uploads" in ctx.query && keyParts.length === 0 && bucket) {
      const uploads = openUploadsOnDisk({ directory } as TestS3, bucket)
        .map((u) => `<Upload><Key>${escapeXml(u.key)}</Key><UploadId>${u.uploadId}</UploadId></Upload>`)
        .join("");
      ctx.type = "application/xml";
      ctx.body = xml(
        `<ListMultipartUploadsResult><Bucket>${escapeXml(bucket)}</Bucket><IsTruncated>false</IsTruncated>${uploads}</ListMultipartUploadsResult>`,
      );
      return;
    }
    await next();
  };
}

/** s3rver on loopback with one bucket; its credentials are s3rver's fixed test pair. */
export async function startTestS3(bucket = "portal-test") {
  const directory = mkdtempSync(path.join(os.tmpdir(), "portal-test-s3-"));
  const port = await freePort();
  const server = new S3rver({
    address: "127.0.0.1",
    port,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  // First in s3rver's Koa stack, before its router answers these requests with 405.
  server.middleware.unshift(multipartExtras(directory));
  await server.run();
  const s3: TestS3 = {
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    bucket,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    directory,
  };
  return {
    s3,
    stop: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The S3_* variables that point the portal at this server. */
export function s3Env(s3: TestS3): Record<string, string> {
  return {
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_BUCKET: s3.bucket,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: "true",
  };
}
