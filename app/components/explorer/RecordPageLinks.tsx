import { Link } from "@remix-run/react";
import type { ExplorerRow } from "~/explorer/types";

const idOf = (value: ExplorerRow[string] | undefined) =>
  typeof value === "number" || (typeof value === "string" && /^\d+$/.test(value)) ? String(value) : null;

/** A row page's way back to the portal's own pages for the same record: its run page and its file download. */
export function RecordPageLinks({ model, cells }: { model: string; cells: ExplorerRow }) {
  const id = idOf(cells.id);
  if (!id) return null;
  const links: { href: string; label: string; download?: boolean }[] = [];
  if (model === "IngestRun") links.push({ href: `/admin/ercot/${id}`, label: `Run #${id}'s page` });
  if (model === "ErcotIngest") {
    const runId = idOf(cells.runId);
    if (runId) links.push({ href: `/admin/ercot/${runId}`, label: `Run #${runId}'s page` });
    if (cells.status === "stored")
      links.push({ href: `/admin/ercot/files/${id}`, label: "Download the stored file", download: true });
  }
  if (model === "SmtRawFile") {
    links.push({ href: `/admin/smt/files/${id}`, label: "Download the raw file", download: true });
    links.push({ href: `/admin/database/SmtIntervalDay?rawFileId.eq=${id}`, label: "Intervals from this file" });
  }
  if (links.length === 0) return null;
  return (
    <p className="row record-links">
      {links.map((link) =>
        link.download ? (
          <a key={link.href} href={link.href} download>
            {link.label}
          </a>
        ) : (
          <Link key={link.href} to={link.href}>
            {link.label}
          </Link>
        ),
      )}
    </p>
  );
}
