import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import type { Storage } from "~/storage/storage.server";
import { ExtractFormatError } from "./parse.server";

export interface ExtractCsv {
  entryName: string;
  stream: Readable;
  /** Removes the spooled copy; call when the stream is done or abandoned. */
  close(): Promise<void>;
}

/**
 * The one CSV inside a stored extract zip, as a stream. A zip's directory sits at its end, so the object is
 * spooled to a temporary file first (disk, not memory), then the entry is inflated as it is read.
 */
export async function openStoredExtract(store: Storage, storageKey: string): Promise<ExtractCsv> {
  const object = await store.get(storageKey);
  if (!object)
    throw new ExtractFormatError(`The stored file ${storageKey} is missing from storage; run the ingest again.`);
  const dir = await mkdtemp(path.join(os.tmpdir(), "esiid-extract-"));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const zipPath = path.join(dir, "extract.zip");
    await pipeline(object.body, createWriteStream(zipPath));
    const zipfile = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(zipPath, { lazyEntries: true, autoClose: false }, (error, opened) =>
        error || !opened
          ? reject(new ExtractFormatError(`The stored file is not a readable zip (${error?.message}).`))
          : resolve(opened),
      ),
    );
    const entries = await new Promise<yauzl.Entry[]>((resolve, reject) => {
      const found: yauzl.Entry[] = [];
      zipfile.on("entry", (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith("/")) found.push(entry);
        zipfile.readEntry();
      });
      zipfile.on("end", () => resolve(found));
      zipfile.on("error", reject);
      zipfile.readEntry();
    });
    if (entries.length !== 1) {
      zipfile.close();
      throw new ExtractFormatError(
        `The zip holds ${entries.length} files; an ESIID extract holds exactly one CSV. The file was not applied.`,
      );
    }
    const stream = await new Promise<Readable>((resolve, reject) =>
      zipfile.openReadStream(entries[0], (error, opened) => (error || !opened ? reject(error) : resolve(opened))),
    );
    return {
      entryName: entries[0].fileName,
      stream,
      close: async () => {
        stream.destroy();
        zipfile.close();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
