import { Transform, type TransformCallback } from "node:stream";
import type { ErcotDocument } from "./types";

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** A file that is not what ERCOT listed; retrying the same download will not change it. */
export class ZipVerificationError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = "ZipVerificationError";
  }
}

/**
 * Passes bytes through while checking them: the first four must be the zip signature, and the total must
 * equal the listed ContentSize (when the source gave one). Holds at most the first four bytes.
 */
export function createZipVerifier(
  document: Pick<ErcotDocument, "friendlyName" | "docId" | "contentSize">,
  onBytes?: (total: number) => void,
) {
  let received = 0;
  let head = Buffer.alloc(0);
  const label = `${document.friendlyName} (DocID ${document.docId})`;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (head.length < ZIP_MAGIC.length) {
        head = Buffer.concat([head, chunk.subarray(0, ZIP_MAGIC.length - head.length)]);
        if (!ZIP_MAGIC.subarray(0, head.length).equals(head)) {
          return callback(
            new ZipVerificationError(
              `${label} is not a zip file (it does not start with PK\\x03\\x04); it was not kept.`,
            ),
          );
        }
      }
      received += chunk.length;
      if (document.contentSize !== null && received > document.contentSize) {
        return callback(
          new ZipVerificationError(
            `${label} is larger than the ${document.contentSize} bytes ERCOT listed; it was not kept.`,
          ),
        );
      }
      onBytes?.(received);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (head.length < ZIP_MAGIC.length) {
        return callback(
          new ZipVerificationError(`${label} arrived empty or cut short (${received} bytes); it was not kept.`),
        );
      }
      if (document.contentSize !== null && received !== document.contentSize) {
        return callback(
          new ZipVerificationError(
            `${label} has ${received} bytes but ERCOT listed ${document.contentSize}; it was not kept and will be fetched again on the next run.`,
          ),
        );
      }
      callback();
    },
  });
}
