import { type Readable } from "node:stream";
import yazl from "yazl";

/** yazl 3's API beyond what @types/yazl (2.x) declares. */
interface StreamingZipFile {
  addReadStreamLazy(
    name: string,
    options: { mtime: Date; compress: false; size: number },
    getStream: (callback: (error: Error | null, stream?: NodeJS.ReadableStream) => void) => void,
  ): void;
  addBuffer(buffer: Buffer, name: string, options: { mtime: Date; compress: boolean }): void;
  end(options: Record<string, never>, sizeCallback: (size: number) => void): void;
  outputStream: NodeJS.ReadableStream;
}

export interface ZipEntrySpec {
  name: string;
  size: number;
  mtime: Date;
  /** Called only when the entry's bytes are needed; must yield exactly `size` bytes. */
  open: () => Readable;
}

function newZipFile(): StreamingZipFile {
  return new yazl.ZipFile() as unknown as StreamingZipFile;
}

function addEntries(zip: StreamingZipFile, entries: ZipEntrySpec[]): void {
  for (const entry of entries) {
    // Stored, not deflated: the zip's size is then known before a byte is generated.
    zip.addReadStreamLazy(entry.name, { mtime: entry.mtime, compress: false, size: entry.size }, (callback) =>
      callback(null, entry.open()),
    );
  }
}

/** Exact byte size of the zip `zipStream(entries)` will produce, computed without generating it. */
export function zipSize(entries: ZipEntrySpec[]): number {
  const zip = newZipFile();
  addEntries(zip, entries);
  let size = -1;
  zip.end({}, (calculated) => {
    size = calculated;
  });
  (zip.outputStream as Readable).destroy();
  if (size < 0) throw new Error("yazl could not precompute the zip size.");
  return size;
}

/** The zip as a stream; entries are generated lazily while it is read. */
export function zipStream(entries: ZipEntrySpec[]): Readable {
  const zip = newZipFile();
  addEntries(zip, entries);
  zip.end({}, () => undefined);
  return zip.outputStream as Readable;
}

/** Small in-memory zip (EWS `Payload/Compressed`). */
export async function zipBuffer(name: string, content: Buffer, mtime: Date): Promise<Buffer> {
  const zip = newZipFile();
  zip.addBuffer(content, name, { mtime, compress: true });
  zip.end({}, () => undefined);
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as Readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
