import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireOperator } from "~/auth/operator.server";
import { Time } from "~/components/Time";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { UsageChart } from "~/components/UsageChart";
import { COLUMN_LABELS } from "~/esiid/columns";
import { premiseView } from "~/esiid/premise.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `ESIID ${data?.esiid ?? ""} · Operator portal` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request);
  const esiid = (params.esiid ?? "").trim();
  const view = /^\d{1,32}$/.test(esiid) ? await premiseView(esiid) : null;
  if (!view) throw json({ error: `No stored ESIID extract lists ESIID ${esiid}.` }, { status: 404 });
  return json(view);
}

const show = (value: string | null) => (value === null ? "—" : value);

export default function PremisePage() {
  const premise = useLoaderData<typeof loader>();
  const file = premise.lastChangedBy;
  return (
    <>
      <p className="muted">
        <Link to="/admin/esiid">ESIID search</Link> / {premise.esiid}
      </p>
      <section className="card" aria-labelledby="premise-title">
        <h1 id="premise-title">
          {premise.address} <span className="muted mono">{premise.esiid}</span>
        </h1>
        <p>
          Last changed <Time value={premise.lastChangedAt} /> by{" "}
          {file.ercotIngestId !== null ? (
            <a href={`/admin/ercot/files/${file.ercotIngestId}`}>{file.filename}</a>
          ) : (
            `DocID ${file.docId}`
          )}
          {file.runId !== null ? (
            <>
              {" "}
              (<Link to={`/admin/ercot/${file.runId}`}>run #{file.runId}</Link>)
            </>
          ) : null}
          {" · "}
          <Link to={premise.explorerHref}>Row in the database explorer</Link>
        </p>
        <dl className="esiid-fields">
          {premise.fields.map((field) => (
            <div key={field.column}>
              <dt>{field.label}</dt>
              <dd className={field.column === "esiid" ? "mono" : undefined}>{show(field.value)}</dd>
            </div>
          ))}
          <div>
            <dt>Newest file listing it</dt>
            <dd>
              <Time value={premise.publishedAt} />
            </dd>
          </div>
        </dl>
      </section>
      <section className="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Change timeline</h2>
        {premise.changes.length === 0 ? (
          <p className="muted">No DAILY extract has changed this premise since its FUL.</p>
        ) : (
          <ol className="esiid-timeline">
            {premise.changes.map((change) => (
              <li key={change.docId}>
                <strong>
                  <Time value={change.publishedAt} />
                </strong>{" "}
                {change.kind === "added" ? "first listed" : "changed"} (DocID {change.docId})
                <ul>
                  {Object.entries(change.changes).map(([column, [before, after]]) => (
                    <li key={column}>
                      {COLUMN_LABELS[column] ?? column}: {show(before)} → {show(after)}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        )}
      </section>
      {premise.usage ? (
        <section className="card" aria-labelledby="usage-title">
          <h2 id="usage-title">SMT usage</h2>
          <UsageChart esiid={premise.esiid} days={premise.usage.days} />
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
