import { db } from "~/db/prisma.server";
import { dailyUsage, type EsiidUsage } from "~/smt/usage.server";
import { displayAddress } from "./address";
import { EXTRACT_COLUMNS } from "./columns";
import type { ExtractFileState, PremiseChangeView, PremiseFileView } from "./types";

const TIMELINE_LIMIT = 500;

export interface PremiseView {
  esiid: string;
  tdsp: string;
  address: string;
  fields: Array<{ column: string; label: string; value: string | null }>;
  publishedAt: string;
  lastChangedAt: string;
  lastChangedBy: PremiseFileView;
  explorerHref: string;
  changes: PremiseChangeView[];
  usage: EsiidUsage | null;
}

/** The explorer's row link: base64url JSON of the primary key values in @@id order (tdsp, esiid). */
export function explorerRowHref(tdsp: string, esiid: string): string {
  return `/admin/database/EsiidPremise/row?pk=${Buffer.from(JSON.stringify([tdsp, esiid])).toString("base64url")}`;
}

/** Everything the premise page shows; null when no extract lists the ESIID. */
export async function premiseView(esiid: string): Promise<PremiseView | null> {
  const premise = await db().esiidPremise.findFirst({ where: { esiid }, orderBy: { publishedAt: "desc" } });
  if (!premise) return null;
  const [changes, file, usage] = await Promise.all([
    db().esiidPremiseChange.findMany({ where: { esiid }, orderBy: { publishedAt: "desc" }, take: TIMELINE_LIMIT }),
    db().ercotIngest.findUnique({ where: { docId: premise.sourceDocId } }),
    dailyUsage(esiid),
  ]);
  const state = await db().esiidExtractFile.findUnique({ where: { docId: premise.sourceDocId } });
  const values = premise as unknown as Record<string, string | null>;
  return {
    esiid,
    tdsp: premise.tdsp,
    address: displayAddress(premise.address, premise.addressOverflow),
    fields: [
      ...EXTRACT_COLUMNS.map(({ column, label }) => ({ column, label, value: values[column] })),
      { column: "tdsp", label: "TDSP", value: premise.tdsp },
    ],
    publishedAt: premise.publishedAt.toISOString(),
    lastChangedAt: premise.lastChangedAt.toISOString(),
    lastChangedBy: {
      docId: premise.sourceDocId,
      ercotIngestId: file?.id ?? null,
      filename: file?.filename ?? null,
      runId: file?.runId ?? null,
      kind: state?.kind ?? null,
      publishedAt: file?.publishedAt.toISOString() ?? null,
    },
    explorerHref: explorerRowHref(premise.tdsp, esiid),
    changes: changes.map((change) => ({
      docId: change.docId,
      publishedAt: change.publishedAt.toISOString(),
      kind: change.kind,
      changes: change.changes as PremiseChangeView["changes"],
    })),
    usage: usage.days.length ? usage : null,
  };
}

/** Display addresses for ESIIDs the SMT page charts (one query; ESIIDs no extract lists are absent). */
export async function premiseAddresses(esiids: string[]): Promise<Record<string, string>> {
  if (esiids.length === 0) return {};
  // One array parameter: the chart's picker asks for up to 200 ESIIDs, which Prisma's `in` sends one by one.
  const rows = await db().$queryRaw<
    {
      esiid: string;
      address: string | null;
      addressOverflow: string | null;
      city: string | null;
      zipcode: string | null;
    }[]
  >`SELECT "esiid", "address", "addressOverflow", "city", "zipcode" FROM "EsiidPremise" WHERE "esiid" = ANY(${esiids})`;
  return Object.fromEntries(
    rows.map((row) => [
      row.esiid,
      [displayAddress(row.address, row.addressOverflow), row.city, row.zipcode?.slice(0, 5)].filter(Boolean).join(", "),
    ]),
  );
}

/** Processing state per DocID, for the ERCOT history beside each download. */
export async function extractFileStates(docIds: string[]): Promise<Record<string, ExtractFileState>> {
  if (docIds.length === 0) return {};
  const rows = await db().esiidExtractFile.findMany({ where: { docId: { in: docIds } } });
  return Object.fromEntries(
    rows.map((row) => [
      row.docId,
      {
        status: row.status,
        kind: row.kind,
        layout: row.layout,
        rows: row.rows,
        changes: row.changes,
        message: row.message,
        processedAt: row.processedAt.toISOString(),
      },
    ]),
  );
}
