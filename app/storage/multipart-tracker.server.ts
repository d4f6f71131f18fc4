import { AbortMultipartUploadCommand, S3ServiceException, type S3Client } from "@aws-sdk/client-s3";
import type { UploadJournal } from "./upload-journal.server";

export interface AbandonedUploadSweep {
  /** Uploads aborted, or found already closed (NoSuchUpload), and forgotten. */
  aborted: number;
  /** Uploads whose abort failed; they stay recorded for the next sweep. */
  failed: number;
}

function isNoSuchUpload(error: unknown) {
  return (
    error instanceof S3ServiceException && (error.name === "NoSuchUpload" || error.$metadata.httpStatusCode === 404)
  );
}

/**
 * Journals every multipart upload an S3 client opens (see docs/decisions/026-multipart-upload-journal.md):
 * - CreateMultipartUpload's answer is recorded before the caller gets its UploadId, so before any part is sent
 *   (lib-storage awaits it); if the record cannot be written the upload is aborted and the put fails;
 * - a Complete or Abort that S3 accepted (or answered NoSuchUpload) deletes the record;
 * - while this process owns uploads it renews their records every `graceMs / 4`;
 * - `sweep()` aborts recorded uploads that this process does not own and that nobody renewed for `graceMs`:
 *   their process is gone. Any instance may sweep; an abort is idempotent (NoSuchUpload counts as done).
 */
export class MultipartTracker {
  private readonly owned = new Set<string>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: S3Client,
    private readonly journal: UploadJournal,
    readonly graceMs: number,
  ) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Bucket?: string; Key?: string; UploadId?: string };
        switch (context.commandName) {
          case "CreateMultipartUploadCommand": {
            const result = await next(args);
            await this.opened((result.output as { UploadId?: string }).UploadId, input);
            return result;
          }
          case "CompleteMultipartUploadCommand":
          case "AbortMultipartUploadCommand":
            return this.closing(input.UploadId, () => next(args));
          default:
            return next(args);
        }
      },
      { step: "initialize", name: "multipartUploadJournal" },
    );
  }

  /** This process no longer drives the upload (its put ended): its record is left for Complete/Abort or a sweep. */
  release(uploadId: string | undefined) {
    if (uploadId) this.owned.delete(uploadId);
    if (this.owned.size === 0) this.stopHeartbeat();
  }

  async sweep(): Promise<AbandonedUploadSweep> {
    const result: AbandonedUploadSweep = { aborted: 0, failed: 0 };
    for (const upload of await this.journal.stale(this.graceMs, [...this.owned])) {
      try {
        await this.client.send(
          new AbortMultipartUploadCommand({ Bucket: upload.bucket, Key: upload.key, UploadId: upload.uploadId }),
        );
        result.aborted++;
      } catch (error) {
        if (isNoSuchUpload(error)) result.aborted++;
        else result.failed++;
      }
    }
    return result;
  }

  private async opened(uploadId: string | undefined, input: { Bucket?: string; Key?: string }) {
    if (!uploadId || !input.Bucket || !input.Key) return;
    this.owned.add(uploadId);
    try {
      await this.journal.opened({ uploadId, bucket: input.Bucket, key: input.Key });
    } catch (error) {
      // Unrecorded, it could outlive a crash unseen: close it now and fail the put.
      this.release(uploadId);
      await this.client
        .send(new AbortMultipartUploadCommand({ Bucket: input.Bucket, Key: input.Key, UploadId: uploadId }))
        .catch(() => undefined);
      throw error;
    }
    this.startHeartbeat();
  }

  /** Renewed until S3 answers (a Complete of a large object can take a while), then no longer this process's. */
  private async closing<T>(uploadId: string | undefined, send: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await send();
    } catch (error) {
      if (uploadId && isNoSuchUpload(error)) await this.forget(uploadId);
      throw error;
    } finally {
      this.release(uploadId);
    }
    if (uploadId) await this.forget(uploadId);
    return result;
  }

  /** A failure here leaves a record of a closed upload; the next sweep's abort answers NoSuchUpload and drops it. */
  private async forget(uploadId: string) {
    await this.journal.closed(uploadId).catch(() => undefined);
  }

  private startHeartbeat() {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(
      () => void this.journal.touch([...this.owned]).catch(() => undefined),
      Math.max(100, Math.floor(this.graceMs / 4)),
    );
    this.heartbeat.unref();
  }

  private stopHeartbeat() {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
