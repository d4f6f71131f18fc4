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
 * Passes bytes through while checking that the first four are the zip signature, and counts them. Holds at
 * most the first four bytes. Truncation is judged by the transport (Content-Length) and by the zip's own
 * structure (`createZipSpool`), not by the listed ContentSize: see `contentSizeWarning`.
 */
export function createZipVerifier(
  document: Pick<ErcotDocument, "friendlyName" | "docId">,
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
      onBytes?.(received);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (head.length < ZIP_MAGIC.length) {
        return callback(
          new ZipVerificationError(`${label} arrived empty or cut short (${received} bytes); it was not kept.`),
        );
      }
      callback();
    },
  });
}

/**
 * ContentSize rests on one capture; a complete zip whose every entry passed its CRC is the better witness.
 * A disagreement is kept as a note on the stored row, never a reason to throw the file away.
 */
export function contentSizeWarning(
  document: Pick<ErcotDocument, "friendlyName" | "docId" | "contentSize">,
  receivedBytes: number,
): string | null {
  if (document.contentSize === null || document.contentSize === receivedBytes) return null;
  return (
    `ERCOT listed ${document.contentSize} bytes for ${document.friendlyName} (DocID ${document.docId}) but sent ` +
    `${receivedBytes}; the zip is complete and every entry passed its CRC-32 check, so it was stored.`
  );
}
