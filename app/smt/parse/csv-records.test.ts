import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { CsvSyntaxError, readCsvRecords, type CsvRecord } from "./csv-records";

async function read(chunks: (string | Buffer)[], delimiter?: string) {
  const records: CsvRecord[] = [];
  for await (const batch of readCsvRecords(Readable.from(chunks), { delimiter })) records.push(...batch);
  return records;
}

describe("readCsvRecords", () => {
  it("trims fields, skips blank lines and numbers records by physical line", async () => {
    expect(await read(["a, b\r\n\r\n c ,d\n", "e,f"])).toEqual([
      { fields: ["a", "b"], line: 1 },
      { fields: ["c", "d"], line: 3 },
      { fields: ["e", "f"], line: 4 },
    ]);
  });

  it("drops a UTF-8 BOM and joins a multi-byte character split across chunks", async () => {
    const bytes = Buffer.from("\uFEFFname\nJosé\n");
    expect(await read([bytes.subarray(0, 10), bytes.subarray(10)])).toEqual([
      { fields: ["name"], line: 1 },
      { fields: ["José"], line: 2 },
    ]);
  });

  it("handles quotes, doubled quotes and a quoted line break", async () => {
    expect(await read(['x,"a, ""b""",y\n"multi\nline",z\n'])).toEqual([
      { fields: ["x", 'a, "b"', "y"], line: 1 },
      { fields: ["multi\nline", "z"], line: 2 },
    ]);
  });

  it("uses the delimiter it is given", async () => {
    expect(await read(["a;b\n"], ";")).toEqual([{ fields: ["a", "b"], line: 1 }]);
  });

  it("stops at an unclosed quote or an overlong line", async () => {
    await expect(read(['a\n"never closed\n'])).rejects.toThrow(CsvSyntaxError);
    await expect(read(["x".repeat(70_000)])).rejects.toThrow(/longer than/);
  });
});
