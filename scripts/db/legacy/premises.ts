// The old portal's ErcotEsiidIndex seeds our premise index (EsiidPremise) for every TDSP that no extract has
// loaded yet. The seed sits in a partition of its own, registered in EsiidSnapshot with no FUL DocID, so the
// TDSP's first FUL swaps it out like any other snapshot. Rows carry sourceDocId `legacy:ErcotEsiidIndex`.
import type pg from "pg";
import type { StepCounts, Unmapped } from "./tables";

export const LEGACY_PREMISE_SOURCE = "legacy:ErcotEsiidIndex";
const LEGACY_PARTITION_PREFIX = "esiid_legacy_";
const BATCH_ROWS = 5000;

/**
 * How the old `tdspCode` (a short name or a DUNS) or, failing that, the ESIID prefix names our TDSP code
 * (the FriendlyName prefix without its padding, docs/reference/ercot-formats.md).
 */
const TDSP_BY_CODE: Record<string, string> = {
  ONCOR: "ONCOR_ELEC",
  ONCOR_ELEC: "ONCOR_ELEC",
  "1039940674000": "ONCOR_ELEC",
  CENTERPOINT: "CENTERPOINT",
  CNP: "CENTERPOINT",
  "957877905": "CENTERPOINT",
  AEP_CENTRAL: "AEP_CENTRAL",
  AEP_TEXAS_CENTRAL: "AEP_CENTRAL",
  "007924772": "AEP_CENTRAL",
  AEP_NORTH: "AEP_NORTH",
  AEP_TEXAS_NORTH: "AEP_NORTH",
  "007923311": "AEP_NORTH",
  TNMP: "TNMP",
  "007929441": "TNMP",
  LUBBOCK: "LUBBOCK",
  NUECES_ELEC: "NUECES_ELEC",
  SHARYLAND_UTILITIES: "SHARYLAND_UTILITIES",
  SHARYLAND_MCALLEN: "SHARYLAND_MCALLEN",
  ENTERGY_GULF: "ENTERGY_GULF",
  SWEPCO_ENERG: "SWEPCO_ENERG",
  AEP_TEXAS_SP: "AEP_TEXAS_SP",
};
const TDSP_BY_ESIID_PREFIX: [string, string][] = [
  ["1044372", "ONCOR_ELEC"],
  ["1017699", "ONCOR_ELEC"],
  ["1008901", "CENTERPOINT"],
  ["1003278", "AEP_CENTRAL"],
  ["1020404", "AEP_NORTH"],
  ["1040051", "TNMP"],
];

export function legacyTdsp(tdspCode: string | null, esiid: string): string | null {
  const code = tdspCode
    ?.trim()
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (code && TDSP_BY_CODE[code]) return TDSP_BY_CODE[code];
  return TDSP_BY_ESIID_PREFIX.find(([prefix]) => esiid.startsWith(prefix))?.[1] ?? null;
}

interface OldPremise {
  id: string;
  esiid: string | null;
  tdspCode: string | null;
  serviceAddress1: string | null;
  serviceCity: string | null;
  serviceState: string | null;
  serviceZip: string | null;
  status: string | null;
  premiseType: string | null;
  postedAtUtc: Date | null;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const partitionName = (tdsp: string) => `${LEGACY_PARTITION_PREFIX}${tdsp.toLowerCase().replace(/[^a-z0-9]+/g, "_")}`;

/** TDSPs whose snapshot came from an ERCOT extract: their data is newer than the old index, which is skipped. */
async function tdspsLoadedFromExtracts(writer: pg.Client): Promise<Set<string>> {
  const { rows } = await writer.query<{ tdsp: string }>(
    `SELECT tdsp FROM "EsiidSnapshot" WHERE "partitionName" NOT LIKE '${LEGACY_PARTITION_PREFIX}%'`,
  );
  return new Set(rows.map((row) => row.tdsp));
}

async function ensureLegacyPartition(writer: pg.Client, tdsp: string) {
  const name = partitionName(tdsp);
  await writer.query("BEGIN");
  try {
    const { rowCount } = await writer.query(`SELECT 1 FROM "EsiidSnapshot" WHERE tdsp = $1 FOR UPDATE`, [tdsp]);
    if (!rowCount) {
      await writer.query(
        `CREATE TABLE IF NOT EXISTS ${quote(name)} PARTITION OF "EsiidPremise" FOR VALUES IN ('${tdsp.replace(/'/g, "''")}')`,
      );
      await writer.query(`INSERT INTO "EsiidSnapshot" (tdsp, "partitionName") VALUES ($1, $2)`, [tdsp, name]);
    }
    await writer.query("COMMIT");
  } catch (error) {
    await writer.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** Reads the old index through a cursor on `reader` (inside its read-only transaction), in batches. */
export async function importPremiseIndex(
  reader: pg.Client,
  writer: pg.Client,
  log: (line: string) => void,
): Promise<{ counts: StepCounts; unmapped: Unmapped[] }> {
  const counts: StepCounts = { table: "EsiidPremise", read: 0, inserted: 0, alreadyThere: 0, unmapped: 0 };
  const unmapped: Unmapped[] = [];
  const fromExtracts = await tdspsLoadedFromExtracts(writer);
  const prepared = new Set<string>();
  await reader.query(
    `DECLARE legacy_premises NO SCROLL CURSOR FOR
       SELECT id::text, esiid, "tdspCode", "serviceAddress1", "serviceCity", "serviceState", "serviceZip",
              status, "premiseType", "postedAtUtc"
         FROM public."ErcotEsiidIndex" ORDER BY id`,
  );
  for (;;) {
    const { rows } = await reader.query<OldPremise>(`FETCH ${BATCH_ROWS} FROM legacy_premises`);
    if (rows.length === 0) break;
    const batch: (string | Date | null)[][] = [];
    for (const row of rows) {
      counts.read += 1;
      const esiid = row.esiid?.trim().replace(/^'/, "") ?? "";
      const tdsp = esiid ? legacyTdsp(row.tdspCode, esiid) : null;
      if (!esiid || !tdsp) {
        const reason = !esiid ? "no ESIID" : `TDSP ${JSON.stringify(row.tdspCode)} is not one this portal knows`;
        unmapped.push({ table: "EsiidPremise", id: row.id, reason });
        continue;
      }
      if (fromExtracts.has(tdsp)) {
        counts.alreadyThere += 1;
        continue;
      }
      if (!prepared.has(tdsp)) {
        await ensureLegacyPartition(writer, tdsp);
        prepared.add(tdsp);
      }
      const postedAt = row.postedAtUtc ?? new Date(0);
      batch.push([
        esiid,
        tdsp,
        row.serviceAddress1,
        row.serviceCity,
        row.serviceState,
        row.serviceZip,
        row.status,
        row.premiseType,
        postedAt,
      ]);
    }
    if (batch.length) {
      const column = (index: number) => batch.map((values) => values[index]);
      const { rowCount } = await writer.query(
        `INSERT INTO "EsiidPremise" (esiid, tdsp, address, city, state, zipcode, status, "premiseType", "searchText",
                                     "sourceDocId", "publishedAt", "lastChangedAt")
         SELECT e, t, a, c, s, z, st, pt, esiid_search_text(a, NULL, c, z), $10, p, p
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::text[], $9::timestamp[]) AS u(e, t, a, c, s, z, st, pt, p)
         ON CONFLICT (tdsp, esiid) DO NOTHING`,
        [...Array.from({ length: 9 }, (_, index) => column(index)), LEGACY_PREMISE_SOURCE],
      );
      counts.inserted += rowCount ?? 0;
      counts.alreadyThere += batch.length - (rowCount ?? 0);
    }
    log(`ErcotEsiidIndex: ${counts.read} read…`);
  }
  await reader.query("CLOSE legacy_premises");
  counts.unmapped = unmapped.length;
  return { counts, unmapped };
}
