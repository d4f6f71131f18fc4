import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import yazl from "yazl";
import { ArchiveError, openArchive, unpackPayload } from "./archive.server";

async function zipOf(entries: { name: string; data: Buffer; compress?: boolean }[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) zip.addBuffer(entry.data, entry.name, { compress: entry.compress ?? true });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readAll(archive: Awaited<ReturnType<typeof openArchive>>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const entry of archive.entries.filter((candidate) => candidate.counted)) {
    const chunks: Buffer[] = [];
    for await (const chunk of await archive.openEntry(entry)) chunks.push(chunk as Buffer);
    out.push(Buffer.concat(chunks));
  }
  archive.close();
  return out;
}

/** Random-looking text that deflate cannot squeeze much. */
function text(bytes: number): Buffer {
  let seed = 20260603;
  return Buffer.from(
    Array.from({ length: bytes }, () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return String.fromCharCode(33 + (seed % 89));
    }).join(""),
  );
}

describe("the safe archive reader", () => {
  it("streams every entry of a sound archive, verified", async () => {
    const data = text(50_000);
    const archive = await openArchive(await zipOf([{ name: "a.csv", data }]));
    expect(await readAll(archive)).toEqual([data]);
  });

  it("fails a stored entry whose bytes were damaged with a CRC error", async () => {
    const data = text(5_000);
    const zip = await zipOf([{ name: "a.csv", data, compress: false }]);
    const at = zip.indexOf(data.subarray(0, 32));
    zip[at + 100] ^= 0xff;
    await expect(readAll(await openArchive(zip))).rejects.toThrow(/fails its CRC-32 check/);
  });

  it("fails a damaged deflate stream as the archive's fault", async () => {
    const zip = await zipOf([{ name: "a.csv", data: text(50_000) }]);
    for (let offset = 60; offset < 400; offset += 7) zip[offset] ^= 0x5a;
    const error = await readAll(await openArchive(zip)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ArchiveError);
  });

  it("refuses a truncated archive before inflating anything", async () => {
    const zip = await zipOf([{ name: "a.csv", data: text(5_000) }]);
    await expect(openArchive(zip.subarray(0, zip.length - 30))).rejects.toThrow(ArchiveError);
  });

  it("refuses a bomb by its ratio, and too many entries, from the directory alone", async () => {
    const bomb = await zipOf([{ name: "zeros.csv", data: Buffer.alloc(20 * 1024 ** 2) }]);
    await expect(openArchive(bomb)).rejects.toThrow(/possible bomb/);
    const many = await zipOf(Array.from({ length: 5 }, (_, index) => ({ name: `${index}.csv`, data: text(10) })));
    await expect(openArchive(many, { limits: { maxEntries: 4 } })).rejects.toThrow(/holds 5 entries; at most 4/);
  });

  it("refuses names that climb out of the archive", async () => {
    const zip = await zipOf([{ name: "aa/evil.csv", data: text(10) }]);
    const evil = Buffer.from(zip.toString("latin1").split("aa/evil.csv").join("../evil.csv"), "latin1");
    await expect(openArchive(evil)).rejects.toThrow(ArchiveError);
  });

  it("unpacks a zip or a gzip payload by its magic bytes, within a byte limit", async () => {
    const data = text(3_000);
    expect(await unpackPayload(await zipOf([{ name: "reply.xml", data }]), 10_000)).toEqual(data);
    expect(await unpackPayload(gzipSync(data), 10_000)).toEqual(data);
    await expect(unpackPayload(gzipSync(data), 1_000)).rejects.toThrow(/more than 1000 bytes/);
    await expect(unpackPayload(await zipOf([{ name: "reply.xml", data }]), 1_000)).rejects.toThrow(ArchiveError);
    await expect(unpackPayload(Buffer.from("<xml/>"), 1_000)).rejects.toThrow(/neither a ZIP nor gzip/);
  });
});
