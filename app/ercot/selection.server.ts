import { db } from "~/db/prisma.server";
import { toCentralWallClock } from "./sources/central-time";
import type { ErcotDocument } from "./types";

/**
 * What a run should look at: per TDSP the newest DAILY, plus the newest FUL when one is listed.
 * Older DAILYs are left alone: each is a delta for its own day and the schedule takes one a day.
 * A repost (same FriendlyName, new DocID) is newer, so it replaces the original here; the SHA-256 check
 * after download catches reposts with identical bytes.
 */
export function selectNewest(documents: readonly ErcotDocument[]): ErcotDocument[] {
  const newest = new Map<string, ErcotDocument>();
  for (const document of documents) {
    const slot = `${document.tdsp}/${document.kind}`;
    const current = newest.get(slot);
    if (
      !current ||
      document.publishedAt.getTime() > current.publishedAt.getTime() ||
      (document.publishedAt.getTime() === current.publishedAt.getTime() &&
        Number(document.docId) > Number(current.docId))
    ) {
      newest.set(slot, document);
    }
  }
  return [...newest.values()].sort(
    (a, b) => a.tdsp.localeCompare(b.tdsp) || (a.kind === b.kind ? 0 : a.kind === "DAILY" ? -1 : 1),
  );
}

const pad = (value: number) => String(value).padStart(2, "0");

/** `ercot/YYYY-MM-DD/<ConstructedName>`, the date being the publish date in America/Chicago. */
export function storageKeyFor(document: Pick<ErcotDocument, "publishedAt" | "constructedName">): string {
  const wall = toCentralWallClock(document.publishedAt);
  const fileName = document.constructedName.replace(/[^A-Za-z0-9._-]/g, "_");
  return `ercot/${wall.year}-${pad(wall.month)}-${pad(wall.day)}/${fileName}`;
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
