import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { normalizeAddress } from "~/esiid/address";
import {
  COPY_COLUMNS,
  createCopyRowEncoder,
  createExtractCsvParser,
  ExtractFormatError,
  type ParseTally,
} from "~/esiid/parse.server";

const provenance = { tdsp: "CENTERPOINT", docId: "1271779092", publishedAt: new Date("2026-09-07T23:11:58Z") };

async function encode(csv: string) {
  const tally: ParseTally = { layout: null, rows: 0 };
  let output = "";
  await pipeline(
    Readable.from([Buffer.from(csv)]),
    createExtractCsvParser(),
    createCopyRowEncoder(provenance, tally),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        output += chunk.toString();
        callback();
      },
    }),
  );
  const rows = output
    .split("\n")
    .filter(Boolean)
    .map((line) =>
      Object.fromEntries(line.split("\t").map((value, index) => [COPY_COLUMNS[index], value === "\\N" ? null : value])),
    );
  return { tally, rows };
}

const CURRENT =
  '"1008901023817895470106","206 BOXWOOD DR","APT 2","BAYTOWN","TX","77520","CHAMBERS","957877905","19","Active","Small Non-Residential","ERCOT","_CD","CEDAR BAYOU OLD","Y","06/01/2026,Move In","Small Non-Residential","Y","AMSM","N","M04","FIREWORKS STAND"';
const CURRENT_SPARSE =
  '"1008901023817895470107","206 BOXWOOD DR",,"BAYTOWN","TX","77520",,"957877905","19","Inactive","Residential","ERCOT","_CD","CEDAR BAYOU OLD","N",,"Residential","N",,"N",,';
const LEGACY =
  '"10443720001551003","01718     OAK                         ST",,"DALLAS","TX","752011234","1039940674000","07","Active","Residential","ERCOT","DLS","DALLAS NORTH","Y",,"Residential","Y","AMSR","N"';

describe("ESIID extract parsing", () => {
  it("reads the current 22-column layout, quoted commas and empty unquoted fields", async () => {
    const { tally, rows } = await encode(`${CURRENT}\n${CURRENT_SPARSE}\n`);
    expect(tally).toEqual({ layout: 22, rows: 2 });
    expect(rows[0]).toMatchObject({
      esiid: "1008901023817895470106",
      addressOverflow: "APT 2",
      county: "CHAMBERS",
      openServiceOrders: "06/01/2026,Move In",
      tdspAmsIndicator: "AMSM",
      premiseSubtypeDesc: "FIREWORKS STAND",
      tdsp: "CENTERPOINT",
      searchText: "206 BOXWOOD DR APT 2 BAYTOWN 77520",
      sourceDocId: "1271779092",
      publishedAt: "2026-09-07T23:11:58.000Z",
    });
    expect(rows[1]).toMatchObject({
      addressOverflow: null,
      county: null,
      openServiceOrders: null,
      premiseSubtypeCode: null,
    });
  });

  it("detects the legacy 19-column layout and keeps Oncor's padded address searchable", async () => {
    const { tally, rows } = await encode(`${LEGACY}\r\n${LEGACY.replace("1551003", "1551004")}\r\n`);
    expect(tally).toEqual({ layout: 19, rows: 2 });
    expect(rows[0]).toMatchObject({
      esiid: "10443720001551003",
      address: "01718     OAK                         ST",
      county: null,
      duns: "1039940674000",
      meterReadCycle: "07",
      switchHoldIndicator: "N",
      premiseSubtypeCode: null,
      searchText: "1718 OAK ST DALLAS 75201",
    });
  });

  it("handles CRLF line endings like LF ones", async () => {
    const lf = await encode(`${CURRENT}\n${CURRENT_SPARSE}\n`);
    const crlf = await encode(`${CURRENT}\r\n${CURRENT_SPARSE}\r\n`);
    expect(crlf.rows).toEqual(lf.rows);
  });

  it("refuses any other column count, naming the line", async () => {
    await expect(encode(`${CURRENT}\n${CURRENT}\n"1008901","only three",\n`)).rejects.toThrow(
      new ExtractFormatError(
        "Line 3 has 3 columns; a TDSP ESIID Extract has 22 (current layout) or 19 (legacy layout). The file was not applied; check that it is an ESIID extract.",
      ),
    );
  });

  it("refuses a file that switches layout midway, naming the line", async () => {
    await expect(encode(`${CURRENT}\n${LEGACY}\n`)).rejects.toThrow(
      /^Line 2 has 19 columns but the file started with 22/,
    );
  });
});

describe("address normalisation", () => {
  it("drops case, punctuation, padding, leading zeros and long suffixes", () => {
    expect(normalizeAddress("8744 O'Connor Street, Dallas")).toBe("8744 OCONNOR ST DALLAS");
    expect(normalizeAddress("01718     OAK                         ST")).toBe("1718 OAK ST");
    expect(normalizeAddress("8744 oconnor dallas")).toBe("8744 OCONNOR DALLAS");
    expect(normalizeAddress('12 BIG "D" RANCH Boulevard')).toBe("12 BIG D RANCH BLVD");
  });
});
