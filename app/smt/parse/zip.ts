import type { Readable } from "node:stream";
import yauzl from "yauzl";

/**
 * CSV entries of an SMT ZIP bundle (SFTP deliveries hold interval and billing CSVs, spec §3.1), as streams.
 *
 * A ZIP's directory sits at its end, so this needs random access: the caller spools the upload to a temporary
 * file and passes its path. Entries are only ever streamed, never written out under their names, and the whole
 * archive is refused up front if its directory looks like a bomb or names escape their folder.
 */
export interface ZipLimits {
  maxEntries: number;
  /** Largest declared uncompressed size of one CSV entry, in bytes. */
  maxEntryBytes: number;
  /** Largest declared uncompressed size of all CSV entries together, in bytes. */
  maxTotalBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 100,
  maxEntryBytes: 1024 ** 3,
  maxTotalBytes: 2 * 1024 ** 3,
};

/** The archive was refused; `message` is the sentence for the operator (HTTP 422). */
export class ZipRejectedError extends Error {
  override readonly name = "ZipRejectedError";
}

export interface ZipCsvEntry {
  name: string;
  uncompressedSize: number;
  /** Must be read to the end (or destroyed) before the next entry is requested. */
  stream: Readable;
}

export interface CsvZip {
  /** CSV entries in archive order, validated before the first byte is inflated. */
  csvEntryNames: string[];
  /** Entries that are not streamed (folders, non-CSV files, encrypted entries), with why. */
  skipped: { name: string; reason: string }[];
  entries(): AsyncGenerator<ZipCsvEntry>;
  close(): void;
}

export async function openCsvZip(zipPath: string, limits: Partial<ZipLimits> = {}): Promise<CsvZip> {
  const { maxEntries, maxEntryBytes, maxTotalBytes } = { ...DEFAULT_ZIP_LIMITS, ...limits };
  const zipfile = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(
      zipPath,
      { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true },
      (error, opened) =>
        error || !opened
          ? reject(new ZipRejectedError(`The file is not a readable ZIP archive (${error?.message}).`))
          : resolve(opened),
    ),
  );
  try {
    if (zipfile.entryCount > maxEntries) {
      throw new ZipRejectedError(
        `The ZIP holds ${zipfile.entryCount} entries; at most ${maxEntries} are accepted. Upload the CSVs in smaller bundles.`,
      );
    }
    const all = await readDirectory(zipfile);
    const csvEntries: yauzl.Entry[] = [];
    const skipped: CsvZip["skipped"] = [];
    let totalBytes = 0;
    for (const entry of all) {
      const name = entry.fileName;
      if (unsafeName(name)) {
        throw new ZipRejectedError(
          `The ZIP entry "${name}" has a path that points outside the archive; the ZIP was refused.`,
        );
      }
      if (name.endsWith("/")) continue;
      if (!/\.csv$/i.test(name)) {
        skipped.push({ name, reason: "not a .csv file" });
        continue;
      }
      if (entry.isEncrypted()) {
        skipped.push({ name, reason: "encrypted inside the ZIP" });
        continue;
      }
      if (entry.uncompressedSize > maxEntryBytes) {
        throw new ZipRejectedError(
          `The ZIP entry "${name}" would unpack to ${entry.uncompressedSize} bytes; at most ${maxEntryBytes} are accepted per file.`,
        );
      }
      totalBytes += entry.uncompressedSize;
      if (totalBytes > maxTotalBytes) {
        throw new ZipRejectedError(
          `The ZIP's CSVs would unpack to more than ${maxTotalBytes} bytes together; the ZIP was refused.`,
        );
      }
      csvEntries.push(entry);
    }

    return {
      csvEntryNames: csvEntries.map((entry) => entry.fileName),
      skipped,
      async *entries() {
        for (const entry of csvEntries) {
          const stream = await new Promise<Readable>((resolve, reject) =>
            zipfile.openReadStream(entry, (error, opened) => (error || !opened ? reject(error) : resolve(opened))),
          );
          try {
            yield { name: entry.fileName, uncompressedSize: entry.uncompressedSize, stream };
          } finally {
            if (!stream.readableEnded) stream.destroy();
          }
        }
      },
      close: () => zipfile.close(),
    };
  } catch (error) {
    zipfile.close();
    throw error;
  }
}

function readDirectory(zipfile: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zipfile.on("entry", (entry: yauzl.Entry) => {
      entries.push(entry);
      zipfile.readEntry();
    });
    zipfile.on("end", () => resolve(entries));
    // yauzl itself refuses absolute paths, `..` segments and backslashes in names.
    zipfile.on("error", (error: Error) =>
      reject(new ZipRejectedError(`The ZIP's directory cannot be read (${error.message}); the ZIP was refused.`)),
    );
    zipfile.readEntry();
  });
}

function unsafeName(name: string): boolean {
  return name.startsWith("/") || /^[a-z]:/i.test(name) || name.includes("\\") || name.split("/").includes("..");
}
