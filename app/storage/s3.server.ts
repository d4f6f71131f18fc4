import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { type Readable } from "node:stream";
import { MultipartTracker } from "./multipart-tracker.server";
import {
  assertSafeKey,
  assertSafePrefix,
  createDigestStream,
  type ObjectInfo,
  type PutOptions,
  type Storage,
} from "./storage.server";
import type { UploadJournal } from "./upload-journal.server";

export interface S3StorageConfig {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

/** Where multipart uploads are recorded, and how long one may go unrenewed before a sweep aborts it. */
export interface UploadJournaling {
  journal: UploadJournal;
  graceMs: number;
}

// 5 MiB is S3's smallest part; one in flight while the next fills keeps 10 MiB of parts alive, for an RSS growth
// target of 64 MiB over the idle portal whatever the file size. Two in flight measured 73 MiB and no faster
// (bench/ercot-ingest.ts, docs/ercot.md).
const PART_SIZE = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 1;
const S3_CONNECT_TIMEOUT_MS = 10_000;
/** The SDK's requestTimeout is the longest socket silence, so a slow but moving upload is never cut. */
const S3_IDLE_TIMEOUT_MS = 60_000;

function isNotFound(error: unknown) {
  return (
    error instanceof S3ServiceException &&
    (error.$metadata.httpStatusCode === 404 || error.name === "NotFound" || error.name === "NoSuchKey")
  );
}

/** S3-compatible storage (DigitalOcean Spaces in production, s3rver in tests). */
export class S3Storage implements Storage {
  readonly driver = "s3" as const;
  readonly description: string;
  readonly client: S3Client;

  private readonly tracker: MultipartTracker | undefined;

  /** Without journaling nothing records open uploads (tests that read a bucket directly). */
  constructor(
    private readonly config: S3StorageConfig,
    journaling?: UploadJournaling,
  ) {
    this.description = `S3-compatible storage (bucket ${config.bucket}${config.endpoint ? ` at ${new URL(config.endpoint).host}` : ""})`;
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // The SDK's default CRC32 aws-chunked bodies are stored corrupted by some S3-compatible servers.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      // Without these a stalled storage server holds an upload, and the ERCOT run with it, forever.
      requestHandler: { connectionTimeout: S3_CONNECT_TIMEOUT_MS, requestTimeout: S3_IDLE_TIMEOUT_MS },
    });
    this.tracker = journaling && new MultipartTracker(this.client, journaling.journal, journaling.graceMs);
  }

  async closeAbandonedUploads() {
    return this.tracker ? this.tracker.sweep() : { aborted: 0, failed: 0 };
  }

  async put(key: string, body: Readable, options: PutOptions = {}) {
    assertSafeKey(key);
    const digest = createDigestStream();
    let sourceError: unknown;
    body.on("error", (error) => {
      sourceError = error;
      digest.stream.destroy(error);
    });
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.config.bucket,
        Key: key,
        Body: body.pipe(digest.stream),
        ContentType: options.contentType,
      },
      partSize: PART_SIZE,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    const abort = () => void upload.abort().catch(() => {});
    options.signal?.addEventListener("abort", abort, { once: true });
    try {
      await upload.done();
    } catch (error) {
      // lib-storage aborts the multipart upload itself on failure; make sure, then surface the cause,
      // not whatever the abort call answered.
      await upload.abort().catch(() => {});
      throw sourceError ?? (options.signal?.aborted ? (options.signal.reason ?? error) : error);
    } finally {
      options.signal?.removeEventListener("abort", abort);
      this.tracker?.release(upload.uploadId);
    }
    return { key, ...digest.result() };
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.config.bucket, Key: assertSafeKey(key) }),
      );
      return {
        key,
        sizeBytes: Number(head.ContentLength ?? 0),
        lastModified: head.LastModified,
        contentType: head.ContentType,
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async get(key: string) {
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.config.bucket, Key: assertSafeKey(key) }),
      );
      return {
        key,
        sizeBytes: Number(object.ContentLength ?? 0),
        lastModified: object.LastModified,
        contentType: object.ContentType,
        body: object.Body as Readable,
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertSafePrefix(prefix);
    let continuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: prefix, ContinuationToken: continuationToken }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key)
          yield { key: object.Key, sizeBytes: Number(object.Size ?? 0), lastModified: object.LastModified };
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  async delete(key: string) {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: assertSafeKey(key) }));
  }
}
