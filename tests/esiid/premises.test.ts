import { beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db/prisma.server";
import { processStoredExtracts } from "~/esiid/process.server";
import { CP, line22, storeExtract } from "./stored-extracts";

const A = "1008901000000000000001";
const B = "1008901000000000000002";
const C = "1008901000000000000003";
const D = "1008901000000000000004";
const E = "10443720001551003";

const FUL_AT = "2026-09-07T23:11:58.000Z";
const D0_AT = "2026-09-05T10:52:19.000Z";
const D1_AT = "2026-09-08T10:52:19.000Z";
const D2_AT = "2026-09-09T10:52:19.000Z";

const ful = [
  line22({ esiid: A }),
  line22({ esiid: B, address: "12 OAK ST", overflow: "APT 4" }),
  line22({ esiid: C, status: "Inactive" }),
  // C twice: the later line wins.
  line22({ esiid: C, status: "Active", address: "14 OAK ST" }),
].join("\r\n");
const d0 = line22({ esiid: A, status: "De-Energized" });
const d1 = [
  line22({ esiid: A, status: "Inactive", orders: "09/08/2026,Move Out" }),
  line22({ esiid: D, address: "8744 O'CONNOR RD", city: "HOUSTON", zip: "770021234", premiseType: "" }),
].join("\n");
const d2 = [
  line22({ esiid: A, status: "Inactive", orders: "09/08/2026,Move Out", switchHold: "Y" }),
  line22({ esiid: B, address: "12 OAK ST", overflow: "APT 4" }),
].join("\n");
const oncorLegacy = `"${E}","01718     OAK                         ST",,"DALLAS","TX","752011234","1039940674000","07","Active","Residential","ERCOT","DLS","DALLAS NORTH","Y",,"Residential","Y","AMSR","N"\n`;

async function premises() {
  return db().esiidPremise.findMany({ orderBy: [{ tdsp: "asc" }, { esiid: "asc" }] });
}

async function changes() {
  const rows = await db().esiidPremiseChange.findMany({ orderBy: [{ esiid: "asc" }, { publishedAt: "asc" }] });
  return rows.map(({ esiid, docId, kind, publishedAt, changes }) => ({ esiid, docId, kind, publishedAt, changes }));
}

async function fileStates() {
  const rows = await db().esiidExtractFile.findMany({ orderBy: { publishedAt: "asc" } });
  return Object.fromEntries(rows.map((row) => [row.docId, row]));
}

async function clear() {
  await db().$executeRawUnsafe(`TRUNCATE "EsiidPremise", "EsiidPremiseChange", "EsiidExtractFile", "ErcotIngest"`);
}

describe("premise reconstruction from FUL + DAILY extracts", () => {
  beforeEach(clear);

  it("rebuilds the newest FUL plus later DAILYs in publish order, skipping a DAILY older than the FUL", async () => {
    // Stored out of order, as a back-fill would: the planner sorts by publish time.
    const docD2 = await storeExtract({ tdsp: CP, kind: "DAILY", publishedAt: D2_AT, csv: d2 });
    const docD1 = await storeExtract({ tdsp: CP, kind: "DAILY", publishedAt: D1_AT, csv: d1 });
    const docFul = await storeExtract({ tdsp: CP, kind: "FUL", publishedAt: FUL_AT, csv: ful });
    const docD0 = await storeExtract({ tdsp: CP, kind: "DAILY", publishedAt: D0_AT, csv: d0 });
    const docOncor = await storeExtract({ tdsp: "ONCOR_ELEC", kind: "FUL", publishedAt: FUL_AT, csv: oncorLegacy });

    const outcome = await processStoredExtracts({ wait: true });
    expect(outcome.busy).toBe(false);

    const rows = await premises();
    expect(rows.map((row) => [row.tdsp, row.esiid])).toEqual([
      [CP, A],
      [CP, B],
      [CP, C],
      [CP, D],
      ["ONCOR_ELEC", E],
    ]);
    const [a, b, c, d, e] = rows;
    expect(a).toMatchObject({
      status: "Inactive",
      openServiceOrders: "09/08/2026,Move Out",
      switchHoldIndicator: "Y",
      sourceDocId: docD2,
      publishedAt: new Date(D2_AT),
      lastChangedAt: new Date(D2_AT),
    });
    expect(b).toMatchObject({
      addressOverflow: "APT 4",
      sourceDocId: docFul,
      publishedAt: new Date(D2_AT),
      lastChangedAt: new Date(FUL_AT),
      searchText: "12 OAK ST APT 4 BAYTOWN 77520",
    });
    expect(c).toMatchObject({ status: "Active", address: "14 OAK ST", sourceDocId: docFul });
    expect(d).toMatchObject({
      sourceDocId: docD1,
      premiseType: null,
      zipcode: "770021234",
      searchText: "8744 OCONNOR RD HOUSTON 77002",
    });
    expect(e).toMatchObject({ county: null, premiseSubtypeCode: null, meterReadCycle: "07", sourceDocId: docOncor });

    const states = await fileStates();
    expect(states[docD0]).toMatchObject({ status: "skipped", kind: "DAILY" });
    expect(states[docD0].message).toContain(`current FUL (DocID ${docFul})`);
    expect(states[docFul]).toMatchObject({ status: "applied", kind: "FUL", layout: 22, rows: 3 });
    expect(states[docD1]).toMatchObject({ status: "applied", layout: 22, rows: 2, changes: 2 });
    expect(states[docD2]).toMatchObject({ status: "applied", rows: 2, changes: 1 });
    expect(states[docOncor]).toMatchObject({ status: "applied", layout: 19, rows: 1 });
  });

  it("records each change with the DocID, publish time and old and new values", async () => {
    await storeExtract({ tdsp: CP, kind: "FUL", publishedAt: FUL_AT, csv: ful });
    const docD1 = await storeExtract({ tdsp: CP, kind: "DAILY", publishedAt: D1_AT, csv: d1 });
    const docD2 = await storeExtract({ tdsp: CP, kind: "DAILY", publishedAt: D2_AT, csv: d2 });
    await processStoredExtracts({ wait: true });

    const history = await changes();
    expect(history).toEqual([
      {
        esiid: A,
        docId: docD1,
        kind: "changed",
        publishedAt: new Date(D1_AT),
        changes: { status: ["Active", "Inactive"], openServiceOrders: [null, "09/08/2026,Move Out"] },
      },
      {
        esiid: A,
        docId: docD2,
        kind: "changed",
        publishedAt: new Date(D2_AT),
        changes: { switchHoldIndicator: ["N", "Y"] },
      },
      {
        esiid: D,
        docId: docD1,
        kind: "added",
        publishedAt: new Date(D1_AT),
        changes: expect.objectContaining({
          address: [null, "8744 O'CONNOR RD"],
          status: [null, "Active"],
          city: [null, "HOUSTON"],
        }),
      },
    ]);
  });

  it("changes nothing when the same files are processed again", async () => {
    await storeExtract({ tdsp: CP, kind: "FUL", publishedAt: FUL_AT, csv: ful });
    await storeExtract({ tdsp: CP, kind: "DAILY", publishedAt: D1_AT, csv: d1 });
    await storeExtract({ tdsp: CP, kind: "DAILY", publishedAt: D2_AT, csv: d2 });
    await processStoredExtracts({ wait: true });
    const before = { premises: await premises(), changes: await changes() };

    const again = await processStoredExtracts({ wait: true, reprocess: true });
    expect(again.busy === false && again.files.map((file) => file.status)).toEqual(["applied", "applied", "applied"]);
    expect({ premises: await premises(), changes: await changes() }).toEqual(before);
    expect(await processStoredExtracts({ wait: true })).toEqual({ busy: false, files: [] });
  });

  it("reaches the same state and history when a DAILY is applied before its FUL is stored", async () => {
    const docD1 = await storeExtract({ tdsp: CP, kind: "DAILY", publishedAt: D1_AT, csv: d1 });
    await processStoredExtracts({ wait: true });
    expect((await premises()).map((row) => row.esiid)).toEqual([A, D]);

    await storeExtract({ tdsp: CP, kind: "FUL", publishedAt: FUL_AT, csv: ful });
    await storeExtract({ tdsp: CP, kind: "DAILY", publishedAt: D2_AT, csv: d2 });
    await processStoredExtracts({ wait: true });
    const rows = await premises();
    expect(rows.map((row) => row.esiid)).toEqual([A, B, C, D]);
    expect(rows[0]).toMatchObject({ status: "Inactive", switchHoldIndicator: "Y" });
    // Measured again against the FUL: A was changed by the DAILY, not first listed by it.
    expect((await changes()).find((change) => change.esiid === A && change.docId === docD1)).toMatchObject({
      kind: "changed",
      changes: { status: ["Active", "Inactive"], openServiceOrders: [null, "09/08/2026,Move Out"] },
    });
  });

  it("refuses a file with a bad column count, naming the line, and leaves the snapshot untouched", async () => {
    await storeExtract({ tdsp: CP, kind: "FUL", publishedAt: FUL_AT, csv: ful });
    await processStoredExtracts({ wait: true });
    const before = await premises();
    const bad = await storeExtract({
      tdsp: CP,
      kind: "FUL",
      publishedAt: D1_AT,
      csv: `${line22({ esiid: A })}\n${line22({ esiid: B })}\n"${C}","too","short"\n`,
    });
    await processStoredExtracts({ wait: true });
    expect((await fileStates())[bad]).toMatchObject({
      status: "failed",
      message: expect.stringMatching(
        /^Line 3 has fewer columns than the file's first line \(22\); a TDSP ESIID Extract has 22/,
      ),
    });
    expect(await premises()).toEqual(before);
    const leftovers = await db().$queryRawUnsafe<unknown[]>(
      `SELECT relname FROM pg_class WHERE relname LIKE 'esiid\\_stage\\_%' AND NOT relispartition AND relkind = 'r'`,
    );
    expect(leftovers).toEqual([]);
  });
});
