import { Readable } from "node:stream";
import { parse } from "csv-parse";
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

  it("uses the delimiter it is given", async () => {
    expect(await read(["a;b\n"], ";")).toEqual([{ fields: ["a", "b"], line: 1 }]);
  });

  it("stops at an unclosed quote or an overlong line", async () => {
    await expect(read(['a\n"never closed\n'])).rejects.toThrow(CsvSyntaxError);
    await expect(read(["x".repeat(70_000)])).rejects.toThrow(/longer than/);
  });
});

/** A deterministic generator, so a failure names a corpus entry that can be replayed. */
function seeded(seed: number) {
  let state = seed;
  return (below: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % below;
  };
}

const PIECES = ["a", "b", "12.5", " ", "\t", ",", '"', "\n", "\r\n", "é", "ESIID", ""];

/** A CSV text written the way RFC 4180 writers (and Excel) quote, with padding outside quotes and blank lines. */
function corpusEntry(seed: number): { text: string; eol: string } {
  const pick = seeded(seed);
  const eol = pick(2) === 0 ? "\n" : "\r\n";
  const columns = 1 + pick(5);
  const lines: string[] = [];
  for (let row = 0; row < 1 + pick(8); row++) {
    const fields: string[] = [];
    for (let column = 0; column < columns; column++) {
      let value = "";
      for (let piece = pick(4); piece > 0; piece--) value += PIECES[pick(PIECES.length)];
      const needsQuotes = /[",\r\n]/.test(value) || value.trim() !== value || pick(4) === 0;
      const pad = [" ", "", "\t"][pick(3)];
      // Quoted content starts and ends with a letter, so trimming around it can only touch the padding.
      fields.push(needsQuotes ? `${pad}"${value.replace(/"/g, '""')}"${pad}` : `${pad}${value.trim() || "x"}${pad}`);
    }
    lines.push(fields.join(","));
    if (pick(6) === 0) lines.push("");
  }
  return { text: (pick(5) === 0 ? "\uFEFF" : "") + lines.join(eol) + (pick(2) === 0 ? eol : ""), eol };
}

/**
 * csv-parse's fields, told the line ending (its auto-detection can take a CRLF inside quotes for the record
 * delimiter). Line numbers are compared by the unit tests above: csv-parse's `info.lines` counts CRLF oddly.
 */
async function viaCsvParse(text: string, eol = "\n"): Promise<string[][]> {
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    record_delimiter: eol,
  });
  Readable.from([text]).pipe(parser);
  const records: string[][] = [];
  for await (const record of parser as AsyncIterable<string[]>) {
    // This reader also skips lines of whitespace alone; csv-parse gives them as one empty field.
    if (!(record.length === 1 && record[0] === "")) records.push(record);
  }
  return records;
}

describe("readCsvRecords against csv-parse", () => {
  it("reads a 500-file corpus of quoted, padded, multi-line CSV exactly as csv-parse does", async () => {
    for (let seed = 1; seed <= 500; seed++) {
      const { text, eol } = corpusEntry(seed);
      // Split the bytes at an arbitrary place, as a stream would.
      const bytes = Buffer.from(text);
      const cut = seeded(seed * 7)(bytes.length + 1);
      const records = await read([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(
        records.map((record) => record.fields),
        `seed ${seed}: ${JSON.stringify(text)}`,
      ).toEqual(await viaCsvParse(text, eol));
    }
  });

  it("refuses what csv-parse refuses", async () => {
    for (const text of ['x,"a"b,z\n', 'x,a"b,z\n', 'a\n"never closed\n']) {
      await expect(viaCsvParse(text), text).rejects.toThrow();
      await expect(read([text]), text).rejects.toThrow(CsvSyntaxError);
    }
  });
});
