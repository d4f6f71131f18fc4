// A copy of a download on local disk, so the zip's structure and every entry's CRC can be checked after it
// streamed to storage, with random access and without holding the file in memory.
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { ArchiveError, verifyArchiveFile } from "~/zip/archive.server";
import type { ErcotDocument } from "./types";
import { ZipVerificationError } from "./verify.server";

/** ERCOT's CSVs are large (an Oncor FUL unpacks past 1 GiB); nothing is kept, so only the CPU time is bounded. */
const ERCOT_ARCHIVE_LIMITS = { maxEntries: 100, maxEntryBytes: 64 * 1024 ** 3, maxTotalBytes: 64 * 1024 ** 3 };

export interface ZipSpool {
  /** Passes the bytes on unchanged while writing them to the spool file, honouring both sides' backpressure. */
  tee: Transform;
  /** Checks the spooled zip; throws ZipVerificationError when it is cut short or corrupt. */
  verify(): Promise<void>;
  /** Removes the spool file; safe to call more than once. */
  dispose(): Promise<void>;
}

export async function createZipSpool(document: Pick<ErcotDocument, "friendlyName" | "docId">): Promise<ZipSpool> {
  const directory = await mkdtemp(path.join(os.tmpdir(), "ercot-spool-"));
  const filePath = path.join(directory, "download.zip");
  const file = createWriteStream(filePath);
  const tee = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (file.write(chunk)) callback(null, chunk);
      else file.once("drain", () => callback(null, chunk));
    },
    flush(callback: TransformCallback) {
      file.end(() => callback());
    },
  });
  file.once("error", (error) => tee.destroy(error));
  tee.once("close", () => {
    if (!file.writableFinished) file.destroy();
  });
  return {
    tee,
    async verify() {
      try {
        await verifyArchiveFile(filePath, { limits: ERCOT_ARCHIVE_LIMITS });
      } catch (error) {
        if (!(error instanceof ArchiveError)) throw error;
        throw new ZipVerificationError(
          `${document.friendlyName} (DocID ${document.docId}) is not a complete, valid zip: ${error.message} ` +
            "It was not kept and will be fetched again on the next run.",
        );
      }
    },
    async dispose() {
      file.destroy();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
