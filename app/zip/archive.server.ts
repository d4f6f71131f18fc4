import { Transform, type Readable, type TransformCallback } from "node:stream";
import { crc32, gunzip } from "node:zlib";
import { promisify } from "node:util";
import { finished } from "node:stream/promises";
import yauzl from "yauzl";

/**
 * The one safe reader of ZIP archives (and gzip payloads). The directory is checked before a byte is
 * inflated (entry count, names that escape their folder, declared sizes, compression ratio), and every entry
 * is verified while it streams (its exact size and its CRC-32), so a bomb, a truncated or a corrupt archive
 * fails with an ArchiveError instead of landing half-read.
 */

/** The archive's bytes are bad: corrupt deflate, bad CRC, truncated, sizes that disagree, a bomb, a bad name. */
export class ArchiveError extends Error {
  override readonly name = "ArchiveError";
}

export interface ArchiveLimits {
  maxEntries: number;
  /** Largest declared uncompressed size of one counted entry, in bytes. */
  maxEntryBytes: number;
  /** Largest declared uncompressed size of all counted entries together, in bytes. */
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio of an entry over 1 MiB (deflate tops out near 1032:1). */
  maxRatio: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 100,
  maxEntryBytes: 1024 ** 3,
  maxTotalBytes: 2 * 1024 ** 3,
  maxRatio: 200,
};

const RATIO_FLOOR_BYTES = 1024 ** 2;

export interface ArchiveEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  isDirectory: boolean;
  isEncrypted: boolean;
  /** Whether the limits counted it (the `counts` option); only counted entries can be opened. */
  counted: boolean;
}

export interface OpenedArchive {
  entries: ArchiveEntry[];
  /** A verified stream of one counted entry; read it to the end (or destroy it) before opening the next. */
  openEntry(entry: ArchiveEntry): Promise<Readable>;
  close(): void;
}

export interface OpenArchiveOptions {
  limits?: Partial<ArchiveLimits>;
  /** Which entries the size limits apply to and may be opened (default: every file that is not encrypted). */
  counts?: (entry: Omit<ArchiveEntry, "counted">) => boolean;
}

const YAUZL_OPTIONS = { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true };

/** Opens a ZIP from a file path (random access, for spooled uploads) or a buffer (small payloads). */
export async function openArchive(source: string | Buffer, options: OpenArchiveOptions = {}): Promise<OpenedArchive> {
  const limits = { ...DEFAULT_ARCHIVE_LIMITS, ...options.limits };
  const counts = options.counts ?? ((entry) => !entry.isDirectory && !entry.isEncrypted);
  const zipfile = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    const done = (error: Error | null, opened?: yauzl.ZipFile) =>
      error || !opened
        ? reject(new ArchiveError(`The file is not a readable ZIP archive (${error?.message ?? "no directory"}).`))
        : resolve(opened);
    if (typeof source === "string") yauzl.open(source, YAUZL_OPTIONS, done);
    else yauzl.fromBuffer(source, YAUZL_OPTIONS, done);
  });
  try {
    if (zipfile.entryCount > limits.maxEntries) {
      throw new ArchiveError(
        `The ZIP holds ${zipfile.entryCount} entries; at most ${limits.maxEntries} are accepted. Send the files in smaller bundles.`,
      );
    }
    const raw = await readDirectory(zipfile);
    const byEntry = new Map<ArchiveEntry, yauzl.Entry>();
    let totalBytes = 0;
    for (const item of raw) {
      const name = item.fileName;
      if (unsafeName(name)) {
        throw new ArchiveError(
          `The ZIP entry "${name}" has a path that points outside the archive; the ZIP was refused.`,
        );
      }
      const described = {
        name,
        compressedSize: item.compressedSize,
        uncompressedSize: item.uncompressedSize,
        isDirectory: name.endsWith("/"),
        isEncrypted: item.isEncrypted(),
      };
      const entry: ArchiveEntry = { ...described, counted: counts(described) };
      byEntry.set(entry, item);
      if (!entry.counted) continue;
      if (entry.uncompressedSize > limits.maxEntryBytes) {
        throw new ArchiveError(
          `The ZIP entry "${name}" would unpack to ${entry.uncompressedSize} bytes; at most ${limits.maxEntryBytes} are accepted per file.`,
        );
      }
      if (
        entry.uncompressedSize > RATIO_FLOOR_BYTES &&
        entry.uncompressedSize > limits.maxRatio * Math.max(1, entry.compressedSize)
      ) {
        throw new ArchiveError(
          `The ZIP entry "${name}" would unpack ${entry.compressedSize} bytes into ${entry.uncompressedSize}, more than ${limits.maxRatio} times; the ZIP was refused as a possible bomb.`,
        );
      }
      totalBytes += entry.uncompressedSize;
      if (totalBytes > limits.maxTotalBytes) {
        throw new ArchiveError(
          `The ZIP's files would unpack to more than ${limits.maxTotalBytes} bytes together; the ZIP was refused.`,
        );
      }
    }
    return {
      entries: [...byEntry.keys()],
      async openEntry(entry) {
        const item = byEntry.get(entry);
        if (!item || !entry.counted) throw new Error(`"${entry.name}" is not an entry this archive may open.`);
        const stream = await new Promise<Readable>((resolve, reject) =>
          zipfile.openReadStream(item, (error, opened) =>
            error || !opened
              ? reject(new ArchiveError(`The ZIP entry "${entry.name}" cannot be read (${error?.message}).`))
              : resolve(opened),
          ),
        );
        return verifyEntry(stream, item);
      },
      close: () => zipfile.close(),
    };
  } catch (error) {
    zipfile.close();
    throw error;
  }
}

/** Passes an entry's bytes through, failing on inflate errors, a size other than declared, or a bad CRC-32. */
function verifyEntry(stream: Readable, item: yauzl.Entry): Readable {
  let crc = 0;
  let size = 0;
  const verified = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (size !== item.uncompressedSize) {
        return callback(
          new ArchiveError(
            `The ZIP entry "${item.fileName}" unpacked to ${size} bytes, not the ${item.uncompressedSize} it declares.`,
          ),
        );
      }
      if (crc >>> 0 !== item.crc32 >>> 0) {
        return callback(
          new ArchiveError(`The ZIP entry "${item.fileName}" fails its CRC-32 check; the archive is corrupt.`),
        );
      }
      callback();
    },
  });
  stream.once("error", (error: Error) =>
    verified.destroy(
      error instanceof ArchiveError
        ? error
        : new ArchiveError(`The ZIP entry "${item.fileName}" is corrupt (${error.message}).`),
    ),
  );
  verified.once("close", () => {
    if (!stream.destroyed) stream.destroy();
  });
  return stream.pipe(verified);
}

/**
 * Reads every counted entry of a ZIP file to its end, checking the central directory, each local header,
 * each entry's size and CRC-32, without keeping any of it. Throws an ArchiveError on the first fault.
 */
export async function verifyArchiveFile(filePath: string, options: OpenArchiveOptions = {}): Promise<number> {
  const archive = await openArchive(filePath, options);
  try {
    const entries = archive.entries.filter((entry) => entry.counted);
    for (const entry of entries) {
      const stream = await archive.openEntry(entry);
      stream.resume();
      await finished(stream);
    }
    return entries.length;
  } finally {
    archive.close();
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
    // yauzl itself refuses absolute paths, `..` segments and backslashes in names (strictFileNames).
    zipfile.on("error", (error: Error) =>
      reject(new ArchiveError(`The ZIP's directory cannot be read (${error.message}); the ZIP was refused.`)),
    );
    zipfile.readEntry();
  });
}

function unsafeName(name: string): boolean {
  return name.startsWith("/") || /^[a-z]:/i.test(name) || name.includes("\\") || name.split("/").includes("..");
}

const gunzipAsync = promisify(gunzip);
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * A small compressed payload held in memory (e.g. an XML answer): a ZIP with one file, or gzip, told apart
 * by their magic bytes, never unpacked past `maxBytes`.
 */
export async function unpackPayload(payload: Buffer, maxBytes: number): Promise<Buffer> {
  if (payload.subarray(0, GZIP_MAGIC.length).equals(GZIP_MAGIC)) {
    try {
      return await gunzipAsync(payload, { maxOutputLength: maxBytes });
    } catch (error) {
      throw new ArchiveError(
        /maxOutputLength|buffer/i.test((error as Error).message)
          ? `The gzip payload unpacks to more than ${maxBytes} bytes; it was refused.`
          : `The gzip payload is corrupt (${(error as Error).message}).`,
      );
    }
  }
  if (!payload.subarray(0, ZIP_MAGIC.length).equals(ZIP_MAGIC)) {
    throw new ArchiveError("The payload is neither a ZIP nor gzip (its first bytes match neither signature).");
  }
  const archive = await openArchive(payload, {
    limits: { maxEntries: 1, maxEntryBytes: maxBytes, maxTotalBytes: maxBytes },
  });
  try {
    const [entry] = archive.entries.filter((candidate) => candidate.counted);
    if (!entry) throw new ArchiveError("The ZIP payload holds no readable file.");
    const chunks: Buffer[] = [];
    for await (const chunk of await archive.openEntry(entry)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  } finally {
    archive.close();
  }
}
