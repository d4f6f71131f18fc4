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

  it("keeps what is inside quotes exactly as written (RFC 4180): spaces and a quoted CRLF", async () => {
    expect(await read(['"  padded  " , x\r\n"multi\r\nline",z\r\n'])).toEqual([
      { fields: ["  padded  ", "x"], line: 1 },
      { fields: ["multi\r\nline", "z"], line: 2 },
    ]);
  });

  it("numbers the record after a quoted line break by its own first line", async () => {
    expect(await read(['a,"one\ntwo\nthree"\nb,c\n'])).toEqual([
      { fields: ["a", "one\ntwo\nthree"], line: 1 },
      { fields: ["b", "c"], line: 4 },
    ]);
  });

  it("refuses text after a closing quote instead of guessing", async () => {
    await expect(read(['x,"a"b,z\n'])).rejects.toThrow(CsvSyntaxError);
  });

  it("numbers records by their first line with CRLF line ends, a quoted CRLF and blank lines", async () => {
    expect(await read(['a,"x\r\ny"\r\n\r\nb,c\r\n', "d,e"])).toEqual([
      { fields: ["a", "x\r\ny"], line: 1 },
      { fields: ["b", "c"], line: 4 },
      { fields: ["d", "e"], line: 5 },
    ]);
  });

  it("uses the delimiter it is given", async () => {
    expect(await read(["a;b\n"], ";")).toEqual([{ fields: ["a", "b"], line: 1 }]);
  });

  it("stops at an unclosed quote or an overlong line", async () => {
    await expect(read(['a\n"never closed\n'])).rejects.toThrow(CsvSyntaxError);
    await expect(read(["x".repeat(70_000)])).rejects.toThrow(/longer than/);
  });

  it("reads quoted and unquoted records side by side, across chunk boundaries, with their own line numbers", async () => {
    expect(await read(['a,b\n"c\n', 'd",e\r\n', " f , g "])).toEqual([
      { fields: ["a", "b"], line: 1 },
      { fields: ["c\nd", "e"], line: 2 },
      { fields: ["f", "g"], line: 4 },
    ]);
  });

  it("names the line of a bad quote after many good lines", async () => {
    const lines = Array.from({ length: 50 }, (_, i) => `r${i},1`);
    lines[40] = 'r40,"a"b';
    const error = await read([lines.join("\n")]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect((error as CsvSyntaxError).line).toBe(41);
  });
});
