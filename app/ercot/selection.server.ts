import { db } from "~/db/prisma.server";
import { toCentralWallClock } from "./sources/central-time";
import type { ErcotDocument } from "./types";

export interface FetchPlan {
  /** Not stored yet, oldest first (DAILYs are one-day deltas applied in publish order), up to the cap. */
  toFetch: ErcotDocument[];
  /** Not stored yet, past the cap: the next run takes them. */
  deferred: ErcotDocument[];
  /** Already stored. */
  stored: ErcotDocument[];
  /** DocIDs that are the newest of their TDSP and kind: anything else fetched is a back-fill. */
  newest: Set<string>;
}

const oldestFirst = (a: ErcotDocument, b: ErcotDocument) =>
  a.publishedAt.getTime() - b.publishedAt.getTime() || Number(a.docId) - Number(b.docId);

/**
 * Every DAILY and FUL still in ERCOT's window that is not stored yet, oldest first, so a missed day (an
 * outage, a weekend of maintenance) is filled in by the next run. A repost (same FriendlyName, new DocID)
 * is later than its original, so it is applied after it; the SHA-256 check catches reposts with equal bytes.
 */
export function planFetch(
  documents: readonly ErcotDocument[],
  storedIds: ReadonlySet<string>,
  maxFiles: number,
): FetchPlan {
  const newest = new Map<string, ErcotDocument>();
  for (const document of documents) {
    const slot = `${document.tdsp}/${document.kind}`;
    const current = newest.get(slot);
    if (!current || oldestFirst(current, document) < 0) newest.set(slot, document);
  }
  const sorted = [...documents].sort(oldestFirst);
  const missing = sorted.filter((document) => !storedIds.has(document.docId));
  return {
    toFetch: missing.slice(0, maxFiles),
    deferred: missing.slice(maxFiles),
    stored: sorted.filter((document) => storedIds.has(document.docId)),
    newest: new Set([...newest.values()].map((document) => document.docId)),
  };
}

/** ERCOT posts DAILYs at about 05:40–06:00 Central; by 07:00 today's should be listed. */
const DAILY_DUE_HOUR_CENTRAL = 7;

/**
 * A sentence when today's DAILY is overdue and nothing in the listing is from today (Central), else null.
 * A run that stores nothing then ends as a warning, not a quiet success.
 */
export function overdueDailyWarning(documents: readonly ErcotDocument[], now: Date): string | null {
  if (toCentralWallClock(now).hour < DAILY_DUE_HOUR_CENTRAL) return null;
  const today = centralDate(now);
  const latest = documents
    .filter((document) => document.kind === "DAILY")
    .map((document) => centralDate(document.publishedAt))
    .sort()
    .at(-1);
  if (latest === today) return null;
  return (
    `No DAILY file for ${today} (Central) is listed yet, though ERCOT usually posts them by 06:00 Central` +
    `${latest ? `; the newest listed is from ${latest}` : ""}. Check ERCOT's notices; the next run will fetch it once posted.`
  );
}

const pad = (value: number) => String(value).padStart(2, "0");

function centralDate(instant: Date): string {
  const wall = toCentralWallClock(instant);
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`;
}

/** `ercot/YYYY-MM-DD/<ConstructedName>`, the date being the publish date in America/Chicago. */
export function storageKeyFor(document: Pick<ErcotDocument, "publishedAt" | "constructedName">): string {
  const fileName = document.constructedName.replace(/[^A-Za-z0-9._-]/g, "_");
  return `ercot/${centralDate(document.publishedAt)}/${fileName}`;
}

/**
 * Where this document's bytes go: the contract's key, unless a row of another DocID already holds it (ERCOT reposted
 * under the same ConstructedName). Then the DocID joins the name, so no stored object is ever overwritten.
 */
export async function storageKeyForDocument(
  document: Pick<ErcotDocument, "publishedAt" | "constructedName" | "docId">,
) {
  const key = storageKeyFor(document);
  const holder = await db().ercotIngest.findFirst({
    where: { storageKey: key, docId: { not: document.docId } },
    select: { id: true },
  });
  if (!holder) return key;
  const dot = key.lastIndexOf(".");
  const [stem, extension] = dot > key.lastIndexOf("/") ? [key.slice(0, dot), key.slice(dot)] : [key, ""];
  return `${stem}.doc${document.docId.replace(/[^A-Za-z0-9]/g, "_")}${extension}`;
}

/** DocIDs among `documents` that already have a stored file. Failed ones are tried again. */
export async function storedDocIds(documents: readonly ErcotDocument[]): Promise<Set<string>> {
  if (documents.length === 0) return new Set();
  const rows = await db().ercotIngest.findMany({
    where: { docId: { in: documents.map((document) => document.docId) }, status: "stored" },
    select: { docId: true },
  });
  return new Set(rows.flatMap((row) => (row.docId ? [row.docId] : [])));
}

/** A stored file with these exact bytes under another DocID (a repost), if any. */
export function findStoredBySha256(sha256: string, exceptDocId: string) {
  return db().ercotIngest.findFirst({
    where: { sha256, status: "stored", docId: { not: exceptDocId } },
    orderBy: { id: "asc" },
    select: { docId: true, storageKey: true },
  });
}
