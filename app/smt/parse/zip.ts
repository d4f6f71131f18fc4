import type { Readable } from "node:stream";
import { ArchiveError, openArchive, type ArchiveLimits } from "~/zip/archive.server";

/**
 * CSV entries of an SMT ZIP bundle (SFTP deliveries hold interval and billing CSVs), as streams, on the one
 * safe archive reader (`app/zip/`): limits, traversal and per-entry CRC checks live there.
 *
 * A ZIP's directory sits at its end, so this needs random access: the caller spools the upload to a temporary
 * file and passes its path. Entries are only ever streamed, never written out under their names.
 */
export type ZipLimits = Pick<ArchiveLimits, "maxEntries" | "maxEntryBytes" | "maxTotalBytes">;

/** The archive was refused or its bytes are bad; `message` is the sentence for the operator (HTTP 422). */
export { ArchiveError as ZipRejectedError };

export interface ZipCsvEntry {
  name: string;
  uncompressedSize: number;
  /** Must be read to the end (or destroyed) before the next entry is requested. */
  stream: Readable;
}

export interface CsvZip {
  /** CSV entries in archive order, validated before the first byte is inflated. */
  csvEntryNames: string[];
  /** Entries that are not streamed (non-CSV files, encrypted entries), with why. */
  skipped: { name: string; reason: string }[];
  entries(): AsyncGenerator<ZipCsvEntry>;
  close(): void;
}

const isCsv = (name: string) => /\.csv$/i.test(name);

export async function openCsvZip(zipPath: string, limits: Partial<ZipLimits> = {}): Promise<CsvZip> {
  const archive = await openArchive(zipPath, {
    limits,
    counts: (entry) => !entry.isDirectory && !entry.isEncrypted && isCsv(entry.name),
  });
  const csvEntries = archive.entries.filter((entry) => entry.counted);
  const skipped = archive.entries
    .filter((entry) => !entry.counted && !entry.isDirectory)
    .map((entry) => ({ name: entry.name, reason: isCsv(entry.name) ? "encrypted inside the ZIP" : "not a .csv file" }));
  return {
    csvEntryNames: csvEntries.map((entry) => entry.name),
    skipped,
    async *entries() {
      for (const entry of csvEntries) {
        const stream = await archive.openEntry(entry);
        try {
          yield { name: entry.name, uncompressedSize: entry.uncompressedSize, stream };
        } finally {
          if (!stream.readableEnded) stream.destroy();
        }
      }
    },
    close: () => archive.close(),
  };
}
