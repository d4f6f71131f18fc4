import { createHash } from "node:crypto";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csvStream, type CsvSpec } from "./csv";
import { zipSize, zipStream, type ZipEntrySpec } from "./zip";

async function drain(entries: ZipEntrySpec[]): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash("sha256");
  let bytes = 0;
  await pipeline(
    zipStream(entries),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        hash.update(chunk);
        callback();
      },
    }),
  );
  return { bytes, sha256: hash.digest("hex") };
}

async function csvText(spec: CsvSpec): Promise<string> {
  let text = "";
  for await (const chunk of csvStream(spec)) text += (chunk as Buffer).toString("latin1");
  return text;
}

const entryFor = (spec: CsvSpec): ZipEntrySpec => ({
  name: "CENTERPOINT__FUL-REPORTS-01-JUN-26.csv",
  size: spec.bytes,
  mtime: new Date("2026-06-01T23:11:39Z"),
  open: () => csvStream(spec),
});

describe("fake ERCOT zip generator", () => {
  it("streams exactly the size it declares up front", async () => {
    const spec: CsvSpec = { tdsp: "CENTERPOINT", seed: 11, bytes: 3_000_017, layout: 22, lineEnding: "\n" };
    const declared = zipSize([entryFor(spec)]);
    const streamed = await drain([entryFor(spec)]);
    expect(streamed.bytes).toBe(declared);
  });

  it("produces the same bytes for the same seed and different bytes for another seed", async () => {
    const spec: CsvSpec = { tdsp: "ONCOR_ELEC", seed: 5, bytes: 50_000, layout: 22, lineEnding: "\n" };
    const first = await drain([entryFor(spec)]);
    const second = await drain([entryFor(spec)]);
    const other = await drain([entryFor({ ...spec, seed: 6 })]);
    expect(second.sha256).toBe(first.sha256);
    expect(other.sha256).not.toBe(first.sha256);
  });

  it("writes headerless, quoted 22-column rows with realistic ESIIDs", async () => {
    const text = await csvText({ tdsp: "CENTERPOINT", seed: 3, bytes: 40_000, layout: 22, lineEnding: "\n" });
    expect(text).toHaveLength(40_000);
    const rows = parse(text, { relax_column_count: true }) as string[][];
    expect(rows.every((row) => row.length === 22)).toBe(true);
    expect(rows[0][0]).toMatch(/^1008901\d{15}$/);
    expect(rows[0][4]).toBe("TX");
    expect(text).toMatch(/,,/);
    expect(text.startsWith('"1008901')).toBe(true);
  });

  it("can write the older 19-column layout with CRLF line endings", async () => {
    const text = await csvText({ tdsp: "ONCOR_ELEC", seed: 4, bytes: 20_000, layout: 19, lineEnding: "\r\n" });
    expect(text.split("\r\n").length).toBeGreaterThan(10);
    expect(text.replace(/\r\n/g, "")).not.toContain("\n");
    const rows = parse(text, { relax_column_count: true }) as string[][];
    expect(rows.every((row) => row.length === 19)).toBe(true);
    expect(rows[0][0]).toMatch(/^1044372\d{10}$/);
  });

  it("generates 200 MB through a hash with flat memory (RSS grows < 64 MB)", async () => {
    const spec: CsvSpec = { tdsp: "ONCOR_ELEC", seed: 99, bytes: 200 * 1024 * 1024, layout: 22, lineEnding: "\n" };
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    try {
      const declared = zipSize([entryFor(spec)]);
      const streamed = await drain([entryFor(spec)]);
      expect(streamed.bytes).toBe(declared);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
  }, 180_000);
});
