import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yazl from "yazl";
import { zipBundle } from "../../../tests/fixtures/smt/generate";
import { parseBillingCsv } from "./billing-csv";
import { detectSmtFile } from "./detect";
import { parseIntervalCsv } from "./interval-csv";
import { ZipRejectedError, openCsvZip } from "./zip";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "smt-zip-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function spool(name: string, bytes: Buffer): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}

/** yazl refuses unsafe names, so those are patched into the archive bytes afterwards (same length). */
async function zipOf(entries: { name: string; text: string }[], rename?: [string, string]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) zip.addBuffer(Buffer.from(entry.text), entry.name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  let bytes = Buffer.concat(chunks);
  if (rename) bytes = Buffer.from(bytes.toString("latin1").split(rename[0]).join(rename[1]), "latin1");
  return bytes;
}

describe("openCsvZip", () => {
  it("streams both CSVs of an SFTP-style bundle into their parsers", async () => {
    const zip = await openCsvZip(await spool("bundle.zip", await zipBundle()));
    const counts: Record<string, number> = {};
    try {
      for await (const entry of zip.entries()) {
        const chunks: Buffer[] = [];
        for await (const chunk of entry.stream) chunks.push(chunk as Buffer);
        const bytes = Buffer.concat(chunks);
        const { kind } = detectSmtFile(entry.name, bytes.subarray(0, 4096));
        const run = kind === "interval-csv" ? parseIntervalCsv([bytes]) : parseBillingCsv([bytes]);
        let rows = 0;
        for await (const batch of run.batches) rows += batch.length;
        counts[kind] = rows;
      }
    } finally {
      zip.close();
    }
    expect(zip.csvEntryNames).toHaveLength(2);
    expect(counts).toEqual({ "interval-csv": 96, "billing-csv": 3 });
  });

  it("skips entries that are not CSV and says why", async () => {
    const file = await spool(
      "mixed.zip",
      await zipOf([
        { name: "readme.txt", text: "hi" },
        { name: "a.CSV", text: "x" },
      ]),
    );
    const zip = await openCsvZip(file);
    zip.close();
    expect(zip.csvEntryNames).toEqual(["a.CSV"]);
    expect(zip.skipped).toEqual([{ name: "readme.txt", reason: "not a .csv file" }]);
  });

  it("refuses more entries than allowed", async () => {
    const file = await spool(
      "many.zip",
      await zipOf(Array.from({ length: 5 }, (_, i) => ({ name: `${i}.csv`, text: "x" }))),
    );
    await expect(openCsvZip(file, { maxEntries: 4 })).rejects.toThrow(/holds 5 entries; at most 4/);
  });

  it("refuses an entry whose declared size is over the limit, before inflating anything", async () => {
    const file = await spool("big.zip", await zipOf([{ name: "big.csv", text: "0".repeat(100_000) }]));
    await expect(openCsvZip(file, { maxEntryBytes: 50_000 })).rejects.toThrow(ZipRejectedError);
    await expect(openCsvZip(file, { maxTotalBytes: 50_000 })).rejects.toThrow(/more than 50000 bytes together/);
  });

  it("refuses entry names that climb out of the archive", async () => {
    const file = await spool(
      "evil.zip",
      await zipOf([{ name: "aa/evil.csv", text: "x" }], ["aa/evil.csv", "../evil.csv"]),
    );
    await expect(openCsvZip(file)).rejects.toThrow(ZipRejectedError);
  });

  it("refuses a file that is not a ZIP", async () => {
    await expect(openCsvZip(await spool("not.zip", Buffer.from("ESIID,USAGE_DATE\n")))).rejects.toThrow(
      /not a readable ZIP/,
    );
  });
});
