import { type Readable } from "node:stream";
import yazl from "yazl";
import { db } from "~/db/prisma.server";
import { storage } from "~/storage/index.server";

export const CP = "CENTERPOINT";

/** One extract line in the current 22-column style: non-empty fields quoted, empty ones bare. */
export function line22(fields: Partial<Record<string, string>> & { esiid: string }): string {
  const row = {
    address: "206 BOXWOOD DR",
    overflow: "",
    city: "BAYTOWN",
    state: "TX",
    zip: "77520",
    county: "CHAMBERS",
    duns: "957877905",
    cycle: "19",
    status: "Active",
    premiseType: "Residential",
    region: "ERCOT",
    stationCode: "_CD",
    stationName: "CEDAR BAYOU OLD",
    metered: "Y",
    orders: "",
    polr: "Residential",
    settlementAms: "Y",
    tdspAms: "AMSR",
    switchHold: "N",
    subtypeCode: "",
    subtypeDesc: "",
    ...fields,
  };
  return [
    row.esiid,
    row.address,
    row.overflow,
    row.city,
    row.state,
    row.zip,
    row.county,
    row.duns,
    row.cycle,
    row.status,
    row.premiseType,
    row.region,
    row.stationCode,
    row.stationName,
    row.metered,
    row.orders,
    row.polr,
    row.settlementAms,
    row.tdspAms,
    row.switchHold,
    row.subtypeCode,
    row.subtypeDesc,
  ]
    .map((value) => (value === "" ? "" : `"${value!.replace(/"/g, '""')}"`))
    .join(",");
}

function zipOf(name: string, csv: string | Readable): Readable {
  const zip = new yazl.ZipFile();
  if (typeof csv === "string") zip.addBuffer(Buffer.from(csv), name);
  else zip.addReadStream(csv, name);
  zip.end();
  return zip.outputStream as unknown as Readable;
}

let nextDocId = 1_271_779_000;

/** Stores a zip holding `csv` and records it as a stored ErcotIngest row, as the ERCOT ingest would. */
export async function storeExtract(spec: {
  tdsp: string;
  kind: "FUL" | "DAILY";
  publishedAt: string;
  csv: string | Readable;
  docId?: string;
}) {
  const docId = spec.docId ?? String(nextDocId++);
  const friendly = `${spec.tdsp.padEnd(12, "_")}_${spec.kind}`;
  const filename = `ext.00000203.0000000000000000.${docId}.${friendly}.zip`;
  const key = `ercot/test/${docId}/${filename}`;
  const stored = await storage().put(key, zipOf(`${friendly}-REPORTS.csv`, spec.csv), {
    contentType: "application/zip",
  });
  await db().ercotIngest.create({
    data: {
      docId,
      filename,
      storageKey: key,
      sizeBytes: BigInt(stored.sizeBytes),
      sha256: stored.sha256,
      sourceUrl: `https://ercot.test/${docId}`,
      status: "stored",
      tdsp: spec.tdsp,
      publishedAt: new Date(spec.publishedAt),
      source: "scrape",
    },
  });
  return docId;
}
