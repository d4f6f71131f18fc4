import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { TableScroll } from "~/components/TableScroll";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireOperator } from "~/auth/operator.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { Time } from "~/components/Time";
import { UploadDropzone } from "~/components/UploadDropzone";
import { formatBytes } from "~/format/bytes";
import { countOf } from "~/format/count";
import { UsageChart } from "~/components/UsageChart";
import { getEnv } from "~/env/env.server";
import type { IngestIssue, IngestResult } from "~/smt/ingest-result";
import { receiveSmtFile } from "~/smt/receive.server";
import { recentSmtFiles } from "~/smt/stored-result.server";
import { UploadRejectedError, spoolMultipart } from "~/smt/upload.server";
import { dailyUsageByEsiid } from "~/smt/usage.server";
import { premiseAddresses } from "~/esiid/premise.server";

export const meta: MetaFunction = () => [{ title: "SMT · Operator portal" }];

const MAX_FILES_PER_UPLOAD = 20;

/** IngestResult holds only JSON values, so it reaches the browser unchanged. */
interface UploadAnswer {
  error: string | null;
  results: IngestResult[];
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  const [recent, usage] = await Promise.all([recentSmtFiles(20), dailyUsageByEsiid()]);
  const addresses = await premiseAddresses(usage.map((meter) => meter.esiid));
  return json({ recent, usage, addresses, uploadMaxBytes: getEnv().smt.uploadMaxBytes });
}

export async function action({ request }: ActionFunctionArgs) {
  const operator = await requireOperator(request);
  let upload;
  try {
    upload = await spoolMultipart(request, {
      maxFileBytes: getEnv().smt.uploadMaxBytes,
      maxFiles: MAX_FILES_PER_UPLOAD,
    });
  } catch (error) {
    if (error instanceof UploadRejectedError)
      return json<UploadAnswer>({ error: error.message, results: [] }, { status: error.status });
    throw error;
  }
  try {
    if (upload.files.length === 0)
      return json<UploadAnswer>({ error: "Choose or drop at least one file.", results: [] }, { status: 400 });
    const results: IngestResult[] = [];
    for (const file of upload.files) {
      results.push(await receiveSmtFile({ file, source: "upload", actor: operator.actor, action: "smt.upload" }));
    }
    return json<UploadAnswer>({ error: null, results });
  } finally {
    await upload.cleanup();
  }
}

export default function SmtPage() {
  const { recent, usage, addresses, uploadMaxBytes } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as UploadAnswer | undefined;
  const navigation = useNavigation();
  const uploading = navigation.state === "submitting";

  return (
    <div className="smt-page">
      <h1>Smart Meter Texas</h1>
      <p className="muted">
        Files sent by the droplet arrive through <span className="mono">POST /api/admin/smt/pull</span>. Contacts and
        smoke tests: <Link to="/admin/smt/support">SMT support reference</Link>.
      </p>

      <section className="card smt-upload">
        <h2>Upload files</h2>
        <Form method="post" action="/admin/smt" encType="multipart/form-data">
          {/* A new key after each answer clears the chosen files, so pressing Upload again cannot post them twice. */}
          <UploadDropzone
            key={answer?.results.map((result) => result.rawFileId).join(",") ?? "none"}
            name="file"
            maxBytes={uploadMaxBytes}
            accept=".csv,.CSV,.json,.zip"
          />
          <div className="row">
            <button type="submit" disabled={uploading}>
              {uploading ? "Uploading…" : "Upload"}
            </button>
            <span className="muted">
              Up to {MAX_FILES_PER_UPLOAD} files at once, {formatBytes(uploadMaxBytes)} each. A file already received
              (same SHA-256) is not read again.
            </span>
          </div>
        </Form>
        {answer?.error ? (
          <p role="alert" className="error-text">
            {answer.error}
          </p>
        ) : null}
      </section>

      {answer?.results.length ? (
        <section aria-label="Upload results" className="smt-results">
          {answer.results.map((result) => (
            <ResultCard key={`${result.rawFileId}-${result.filename}`} result={result} />
          ))}
        </section>
      ) : null}

      <section className="card">
        <h2>Daily usage</h2>
        {usage.length === 0 ? <p className="muted">No intervals stored yet.</p> : null}
        {usage.map((meter) => (
          <div key={meter.esiid} className="smt-usage">
            <h3>
              ESIID <span className="mono">{meter.esiid}</span>
              {addresses[meter.esiid] ? (
                <>
                  {" · "}
                  <Link to={`/admin/esiid/${meter.esiid}`}>{addresses[meter.esiid]}</Link>
                </>
              ) : null}
            </h3>
            <p className="muted">
              Last {meter.days.length} days with data: {meter.totalConsumptionKwh.toFixed(1)} kWh consumed
              {meter.totalGenerationKwh > 0 ? `, ${meter.totalGenerationKwh.toFixed(1)} kWh surplus generation` : ""}.
            </p>
            <UsageChart esiid={meter.esiid} days={meter.days} />
          </div>
        ))}
      </section>

      <section className="card">
        <h2>Recent files</h2>
        {recent.length === 0 ? (
          <p className="muted">No SMT files received yet.</p>
        ) : (
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
                    <td className="mono">{file.filename}</td>
                    <td>{file.kind}</td>
                    <td>
                      <StatusBadge status={file.status} />
                    </td>
                    <td>{file.rowsParsed}</td>
                    <td>{file.rowsInserted}</td>
                    <td>{file.rowsUpdated}</td>
                    <td>{file.rowsSkipped}</td>
                    <td>{file.firstDay ? `${file.firstDay} – ${file.lastDay}` : ""}</td>
                    <td>
                      {file.errorCount ? (
                        <span className="error-text">{countOf(file.errorCount, "error")} </span>
                      ) : null}
                      {file.warningCount ? <span>{countOf(file.warningCount, "warning")}</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
    </div>
  );
}

function StatusBadge({ status }: { status: string }) {
  const tone = status === "parsed" ? "ok" : status === "failed" ? "error" : "off";
  return <span className={`badge ${tone}`}>{status}</span>;
}

function where(issue: IngestIssue): string {
  return [issue.entry, issue.line ? `line ${issue.line}` : null].filter(Boolean).join(", ");
}

function ResultCard({ result }: { result: IngestResult }) {
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
        <Link to={`/admin/database/SmtRawFile?id.eq=${result.rawFileId}`}>its SmtRawFile row</Link>
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

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
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
