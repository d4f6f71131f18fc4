import { beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db/prisma.server";
import { processStoredExtracts } from "~/esiid/process.server";
import { CP, storeExtract } from "./stored-extracts";

// Every case goes the real way: a stored zip, inflated and streamed into PostgreSQL's COPY, which parses it.

const FUL_AT = "2026-09-07T23:11:58.000Z";

const CURRENT =
  '"1008901023817895470106","206 BOXWOOD DR","APT 2","BAYTOWN","TX","77520","CHAMBERS","957877905","19","Active","Small Non-Residential","ERCOT","_CD","CEDAR BAYOU OLD","Y","06/01/2026,Move In","Small Non-Residential","Y","AMSM","N","M04","FIREWORKS STAND"';
const CURRENT_SPARSE =
  '"1008901023817895470107","206 BOXWOOD DR",,"BAYTOWN","TX","77520",,"957877905","19","Inactive","Residential","ERCOT","_CD","CEDAR BAYOU OLD","N",,"Residential","N",,"N",,';
const LEGACY =
  '"10443720001551003","01718     OAK                         ST",,"DALLAS","TX","752011234","1039940674000","07","Active","Residential","ERCOT","DLS","DALLAS NORTH","Y",,"Residential","Y","AMSR","N"';

async function load(csv: string) {
  const docId = await storeExtract({ tdsp: CP, kind: "FUL", publishedAt: FUL_AT, csv });
  await processStoredExtracts({ wait: true });
  const state = await db().esiidExtractFile.findUniqueOrThrow({ where: { docId } });
  const rows = await db().esiidPremise.findMany({ orderBy: { esiid: "asc" } });
  return { docId, state, rows };
}

async function normalize(text: string) {
  const [row] = await db().$queryRaw<[{ normalized: string }]>`SELECT esiid_normalize_address(${text}) AS normalized`;
  return row.normalized;
}

beforeEach(async () => {
  await db().$executeRawUnsafe(`TRUNCATE "EsiidPremise", "EsiidPremiseChange", "EsiidExtractFile", "ErcotIngest"`);
});

describe("ESIID extract parsing", () => {
  it("reads the current 22-column layout, quoted commas and empty unquoted fields", async () => {
    const { docId, state, rows } = await load(`${CURRENT}\n${CURRENT_SPARSE}\n`);
    expect(state).toMatchObject({ status: "applied", layout: 22, rows: 2 });
    expect(rows[0]).toMatchObject({
      esiid: "1008901023817895470106",
      addressOverflow: "APT 2",
      county: "CHAMBERS",
      openServiceOrders: "06/01/2026,Move In",
      tdspAmsIndicator: "AMSM",
      premiseSubtypeDesc: "FIREWORKS STAND",
      tdsp: CP,
      searchText: "206 BOXWOOD DR APT 2 BAYTOWN 77520",
      sourceDocId: docId,
      publishedAt: new Date(FUL_AT),
    });
    expect(rows[1]).toMatchObject({
      addressOverflow: null,
      county: null,
      openServiceOrders: null,
      premiseSubtypeCode: null,
    });
  });

  it("detects the legacy 19-column layout and keeps Oncor's padded address searchable", async () => {
    const { state, rows } = await load(`${LEGACY}\r\n${LEGACY.replace("1551003", "1551004")}\r\n`);
    expect(state).toMatchObject({ status: "applied", layout: 19, rows: 2 });
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

  it("handles CRLF line endings like LF ones, trims fields and keeps an ESIID's last line", async () => {
    const strip = (rows: Awaited<ReturnType<typeof load>>["rows"]) =>
      rows.map(({ sourceDocId: _docId, ...row }) => row);
    const lf = await load(`${CURRENT}\n${CURRENT_SPARSE}\n`);
    await db().$executeRawUnsafe(`TRUNCATE "EsiidPremise", "EsiidExtractFile", "ErcotIngest"`);
    const padded = CURRENT.replace('"APT 2"', '"  APT 2 "').replace('"CHAMBERS"', '" "');
    const crlf = await load(`${padded}\r\n${CURRENT_SPARSE}\r\n`);
    expect(crlf.rows[0]).toMatchObject({ addressOverflow: "APT 2", county: null });
    expect(strip(crlf.rows)).toEqual(
      strip(lf.rows).map((row, index) => (index === 0 ? { ...row, county: null } : row)),
    );
    await db().$executeRawUnsafe(`TRUNCATE "EsiidPremise", "EsiidExtractFile", "ErcotIngest"`);
    const twice = await load(`${CURRENT}\n${CURRENT.replace('"Active"', '"De-Energized"')}\n`);
    expect(twice.rows).toHaveLength(1);
    expect(twice.rows[0].status).toBe("De-Energized");
  });

  it("refuses a first line of any other column count, naming it", async () => {
    const { state } = await load(`"1008901","only three",\n${CURRENT}\n`);
    expect(state).toMatchObject({
      status: "failed",
      message:
        "Line 1 has 3 columns; a TDSP ESIID Extract has 22 (current layout) or 19 (legacy layout). The file was not applied; check that it is an ESIID extract.",
    });
  });

  it("refuses a later line with fewer or more columns, or of the other layout, naming the line", async () => {
    const fewer = await load(`${CURRENT}\n${CURRENT}\n"1008901","only three",\n`);
    expect(fewer.state.message).toMatch(/^Line 3 has fewer columns than the file's first line \(22\); a TDSP ESIID/);
    const other = await load(`${CURRENT}\n${LEGACY}\n`);
    expect(other.state.message).toMatch(/^Line 2 has fewer columns than the file's first line \(22\)/);
    const more = await load(`${LEGACY}\n${CURRENT}\n`);
    expect(more.state.message).toMatch(/^Line 2 has more columns than the file's first line \(19\)/);
    const blank = await load(`${CURRENT}\n\n${CURRENT_SPARSE}\n`);
    expect(blank.state.message).toMatch(/^Line 2 has fewer columns than the file's first line \(22\)/);
    expect(await db().esiidPremise.count()).toBe(0);
  });

  it("refuses a line without an ESIID, naming it", async () => {
    const { state } = await load(`${CURRENT}\n${CURRENT_SPARSE.replace('"1008901023817895470107"', "")}\n`);
    expect(state).toMatchObject({ status: "failed", message: "Line 2 has no ESIID; the file was not applied." });
  });
});

describe("address normalisation (esiid_normalize_address, the one normaliser)", () => {
  it("drops case, punctuation, padding, leading zeros and long suffixes", async () => {
    expect(await normalize("8744 O'Connor Street, Dallas")).toBe("8744 OCONNOR ST DALLAS");
    expect(await normalize("01718     OAK                         ST")).toBe("1718 OAK ST");
    expect(await normalize("8744 oconnor dallas")).toBe("8744 OCONNOR DALLAS");
    expect(await normalize('12 BIG "D" RANCH Boulevard')).toBe("12 BIG D RANCH BLVD");
    expect(await normalize("North Main Str, Suite 0400")).toBe("N MAIN ST STE 400");
    expect(await normalize("000 Apartment 0A1 Eastwood")).toBe("0 APT 0A1 EASTWOOD");
    expect(await normalize("  ,.  ")).toBe("");
  });
});
