import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { TableScroll } from "~/components/TableScroll";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireOperator } from "~/auth/operator.server";
import { formatDuration, RUN_STATUS_BADGE } from "~/components/ercot-format";
import { Time } from "~/components/Time";
import { formatBytes } from "~/format/bytes";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { getRun } from "~/ercot/runs.server";
import { ExtractStateCell } from "~/components/esiid/ExtractStateCell";
import { extractFileStates } from "~/esiid/premise.server";
import { encodeToken } from "~/explorer/token.server";
import { Identifier } from "~/components/Identifier";
import { rowHref } from "~/components/DataTable";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `ERCOT run #${data?.run.id ?? ""} · Operator portal` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request);
  const runId = Number(params.runId);
  const found = Number.isInteger(runId) && runId > 0 ? await getRun(runId) : null;
  if (!found) throw json({ error: `There is no ERCOT run #${params.runId}.` }, { status: 404 });
  return json({
    ...found,
    runRowHref: rowHref("IngestRun", encodeToken([found.run.id])),
    fileRowHrefs: Object.fromEntries(
      found.files.map((file) => [file.id, rowHref("ErcotIngest", encodeToken([file.id]))]),
    ),
    extractStates: await extractFileStates(found.files.flatMap((file) => (file.docId ? [file.docId] : []))),
  });
}

export default function ErcotRunDetails() {
  const { run, files, extractStates, runRowHref, fileRowHrefs } = useLoaderData<typeof loader>();
  const results = run.summary?.results ?? [];
  return (
    <section className="card ercot-run" aria-labelledby="run-title">
      <h2 id="run-title">
        Run #{run.id} <span className={`badge ${RUN_STATUS_BADGE[run.status]}`}>{run.status}</span>
      </h2>
      <p>
        {run.trigger} · started <Time value={run.startedAt} /> · {formatDuration(run.durationMs)} ·{" "}
        {formatBytes(run.bytes)}
        {run.summary ? ` · ${run.summary.listed} listed, ${run.summary.selected} selected` : null}
      </p>
      <p>
        <Link to={runRowHref}>This run&apos;s IngestRun row in the database explorer</Link>
      </p>
      {run.error ? <p className="error-text">{run.error}</p> : null}
      {run.summary?.warnings.map((warning) => (
        <p key={warning} className="warning-text">
          {warning}
        </p>
      ))}
      {run.summary?.attempts.length ? (
        <p className="muted">
          Sources asked:{" "}
          {run.summary.attempts.map((attempt, index) => (
            <span key={attempt.source}>
              {index > 0 ? " → " : ""}
              <strong>{attempt.source}</strong>
              {attempt.error ? ` (failed: ${attempt.error})` : " (answered)"}
            </span>
          ))}
        </p>
      ) : null}
      <h3>Files in this run</h3>
      {files.length === 0 ? (
        <p className="muted">
          This run downloaded no file{results.length ? "; everything it selected was already stored" : ""}.
        </p>
      ) : (
        <TableScroll>
          <table className="data" aria-label="Files">
            <thead>
              <tr>
                <th>TDSP</th>
                <th>Status</th>
                <th>File</th>
                <th>Storage key</th>
                <th>Size</th>
                <th>SHA-256</th>
                <th>Source</th>
                <th>Published</th>
                <th>Premises</th>
              </tr>
            </thead>
            <tbody>
              {files.map((file) => (
                <tr key={file.id} data-doc-id={file.docId}>
                  <td>{file.tdsp}</td>
                  <td>
                    <span className={`badge ${file.status === "stored" ? "ok" : "error"}`}>{file.status}</span>
                  </td>
                  <td className="mono">
                    {file.status === "stored" ? (
                      <a href={`/admin/ercot/files/${file.id}`}>{file.filename}</a>
                    ) : (
                      file.filename
                    )}
                    <div className="muted">
                      DocID {file.docId} · <Link to={fileRowHrefs[file.id]}>row</Link>
                    </div>
                    {file.error ? <div className="error-text">{file.error}</div> : null}
                    {file.warning ? <div className="warning-text">{file.warning}</div> : null}
                  </td>
                  <td>{file.storageKey ? <Identifier value={file.storageKey} label="storage key" /> : "—"}</td>
                  <td>{formatBytes(file.sizeBytes)}</td>
                  <td>{file.sha256 ? <Identifier value={file.sha256} label="SHA-256" /> : "—"}</td>
                  <td>{file.source}</td>
                  <td className="mono">
                    <Time value={file.publishedAt} />
                  </td>
                  <td>
                    <ExtractStateCell
                      state={file.docId ? (extractStates[file.docId] ?? null) : null}
                      stored={file.status === "stored"}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <Form method="post" action="/admin/esiid/process" className="row">
        <input type="hidden" name="redirectTo" value={`/admin/ercot/${run.id}`} />
        <button type="submit" className="secondary">
          Apply stored extracts to premises
        </button>
        <span className="muted">Applies every stored extract not yet applied, in publish order.</span>
      </Form>
      {results.some((result) => "skipped" in result) ? (
        <p className="muted">
          Already stored, skipped:{" "}
          {results
            .filter((result) => "skipped" in result)
            .map(
              (result) =>
                `${result.tdsp} ${result.kind}${"duplicateOf" in result && result.duplicateOf ? ` (same bytes as DocID ${result.duplicateOf})` : ""}`,
            )
            .join(", ")}
          .
        </p>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
