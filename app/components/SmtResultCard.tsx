import { Link } from "@remix-run/react";
import { countOf } from "~/format/count";
import { formatBytes } from "~/format/bytes";
import type { IngestIssue, IngestResult } from "~/smt/ingest-result";

/** The received file exactly as it arrived (a resource route: a plain link, not a client navigation). */
export const rawFileHref = (rawFileId: number) => `/admin/smt/files/${rawFileId}`;

export function StatusBadge({ status }: { status: string }) {
  const tone = status === "parsed" ? "ok" : status === "failed" ? "error" : "off";
  return <span className={`badge ${tone}`}>{status}</span>;
}

function where(issue: IngestIssue): string {
  return [issue.entry, issue.line ? `line ${issue.line}` : null].filter(Boolean).join(", ");
}

export function ResultCard({ result }: { result: IngestResult }) {
  return (
    <article className="card smt-result" data-status={result.status} aria-label={`Result for ${result.filename}`}>
      <header className="row">
        <h3 className="mono">{result.filename}</h3>
        <StatusBadge status={result.status} />
        {result.duplicate ? <span className="badge default">duplicate</span> : null}
        <span className="muted">
          {result.kind} · {formatBytes(result.sizeBytes)}
        </span>
      </header>
      <p>{result.message}</p>
      <p className="muted">
        <Link to={`/admin/database/SmtIntervalDay?rawFileId.eq=${result.rawFileId}`}>Intervals from this file</Link> ·{" "}
        <Link to={`/admin/database/SmtRawFile?id.eq=${result.rawFileId}`}>its SmtRawFile row</Link> ·{" "}
        <a href={rawFileHref(result.rawFileId)} download>
          Download the raw file
        </a>
      </p>
      {/* A duplicate read nothing now: the first read's counts would pass for fresh ones, so they are not shown. */}
      {result.duplicate ? null : (
        <dl className="smt-counts">
          <div>
            <dt>Parsed</dt>
            <dd data-count="parsed">{result.rowsParsed}</dd>
          </div>
          <div>
            <dt>Inserted</dt>
            <dd data-count="inserted">{result.rowsInserted}</dd>
          </div>
          <div>
            <dt>Updated</dt>
            <dd data-count="updated">{result.rowsUpdated}</dd>
          </div>
          <div>
            <dt>Skipped</dt>
            <dd data-count="skipped">{result.rowsSkipped}</dd>
          </div>
          <div>
            <dt>Days</dt>
            <dd>{result.firstDay ? `${result.firstDay} – ${result.lastDay}` : "—"}</dd>
          </div>
          <div>
            <dt>ESIIDs</dt>
            <dd className="mono">{result.esiids.join(", ") || "—"}</dd>
          </div>
        </dl>
      )}
      <IssueList kind="errors" issues={result.errors} count={result.errorCount} />
      <IssueList kind="warnings" issues={result.warnings} count={result.warningCount} />
    </article>
  );
}

function IssueList({
  kind,
  issues,
  count,
}: {
  kind: "errors" | "warnings";
  issues: Parameters<typeof where>[0][];
  count: number;
}) {
  if (issues.length === 0) return null;
  return (
    <details open className={`smt-issues ${kind}`}>
      <summary>{countOf(count, kind.slice(0, -1))}</summary>
      <ul>
        {issues.map((issue, index) => (
          <li key={index}>
            {where(issue) ? <span className="mono">{where(issue)}: </span> : null}
            {issue.message}
          </li>
        ))}
      </ul>
    </details>
  );
}
