import { formatCentralWithUtc } from "~/format/time";
import type { SmtRawFile } from "@prisma/client";
import { z } from "zod";
import { db } from "~/db/prisma.server";
import type { IngestIssue, IngestResult } from "./ingest-result";
import type { SmtFileKind } from "./parse/detect";

const storedIssues = z
  .array(
    z.object({
      line: z.number().int().optional(),
      entry: z.string().optional(),
      message: z.string(),
    }),
  )
  .catch([]);

const fileKind = z.enum(["interval-csv", "interval-json", "billing-csv", "zip", "unknown"]).catch("unknown");

/** SmtRawFile.warnings / errors: the first issues of each kind; anything else reads as none. */
function issues(value: unknown): IngestIssue[] {
  return storedIssues.parse(value ?? []);
}

const day = (value: Date | null) => (value ? value.toISOString().slice(0, 10) : null);

function duplicateMessage(row: SmtRawFile, firstError: IngestIssue | undefined): string {
  const when = `This file was already received on ${formatCentralWithUtc(row.receivedAt)} (same SHA-256)`;
  if (row.status !== "failed") return `${when}; it was not read again.`;
  return (
    `${when} and failed: ${firstError?.message.replace(/\.$/, "") ?? "it could not be read"}. The same bytes ` +
    "always get the same verdict, so it was not read again; fix the file and send the corrected one."
  );
}

/** The answer for a stored SmtRawFile row (a fresh ingest, a duplicate, or the recent-files list). */
export function resultFromRow(row: SmtRawFile, duplicate: boolean): IngestResult {
  const warnings = issues(row.warnings);
  const errors = issues(row.errors);
  const failed = row.status === "failed";
  const kind: SmtFileKind = fileKind.parse(row.kind);
  return {
    ok: !failed,
    duplicate,
    httpStatus: failed && !duplicate ? 422 : 200,
    status: row.status,
    message: duplicate
      ? duplicateMessage(row, errors[0])
      : failed
        ? (errors[0]?.message ?? "The file could not be read.")
        : `Read ${row.rowsParsed} rows: ${row.rowsInserted} inserted, ${row.rowsUpdated} updated, ${row.rowsSkipped} skipped.`,
    rawFileId: row.id,
    receivedAt: row.receivedAt.toISOString(),
    filename: row.filename,
    sha256: row.sha256,
    sizeBytes: Number(row.sizeBytes),
    storageKey: row.storageKey,
    kind,
    rowsParsed: row.rowsParsed,
    rowsInserted: row.rowsInserted,
    rowsUpdated: row.rowsUpdated,
    rowsSkipped: row.rowsSkipped,
    firstDay: day(row.firstDay),
    lastDay: day(row.lastDay),
    esiids: row.esiids,
    warnings,
    errors,
    warningCount: row.warningCount,
    errorCount: row.errorCount,
    entries: [],
  };
}

/** The most recent files, newest first, for the upload page. */
export async function recentSmtFiles(limit = 20): Promise<IngestResult[]> {
  const rows = await db().smtRawFile.findMany({ orderBy: { receivedAt: "desc" }, take: limit });
  return rows.map((row) => resultFromRow(row, false));
}
