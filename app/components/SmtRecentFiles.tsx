import { countOf } from "~/format/count";
import type { IngestResult } from "~/smt/ingest-result";
import { rawFileHref, StatusBadge } from "./SmtResultCard";
import { TableScroll } from "./TableScroll";
import { Time } from "./Time";

/** The newest received files; each name downloads the file as it arrived. */
export function SmtRecentFiles({ recent }: { recent: IngestResult[] }) {
  if (recent.length === 0) return <p className="muted">No SMT files received yet.</p>;
  return (
    <TableScroll>
      <table className="data" aria-label="Recent SMT files">
        <thead>
          <tr>
            <th>Received</th>
            <th>File</th>
            <th>Kind</th>
            <th>Status</th>
            <th>Parsed</th>
            <th>Inserted</th>
            <th>Updated</th>
            <th>Skipped</th>
            <th>Days</th>
            <th>Issues</th>
          </tr>
        </thead>
        <tbody>
          {recent.map((file) => (
            <tr key={file.rawFileId} data-status={file.status}>
              <td className="mono">
                <Time value={file.receivedAt} precision="minute" />
              </td>
              <td className="mono nowrap">
                <a href={rawFileHref(file.rawFileId)} download title={`Download ${file.filename} as received`}>
                  {file.filename}
                </a>
              </td>
              <td>{file.kind}</td>
              <td>
                <StatusBadge status={file.status} />
              </td>
              <td>{file.rowsParsed}</td>
              <td>{file.rowsInserted}</td>
              <td>{file.rowsUpdated}</td>
              <td>{file.rowsSkipped}</td>
              <td className="nowrap">{file.firstDay ? `${file.firstDay} – ${file.lastDay}` : ""}</td>
              <td>
                {file.errorCount ? <span className="error-text">{countOf(file.errorCount, "error")} </span> : null}
                {file.warningCount ? <span>{countOf(file.warningCount, "warning")}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
