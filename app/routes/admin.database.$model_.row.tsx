// Row page at /admin/database/:model/row?pk=<base64url JSON of the primary-key values>, which works for
// composite keys and keys not named id. The trailing underscore keeps it out of the table route's layout.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireOperator } from "~/auth/operator.server";
import { requireModelParam } from "~/explorer/route-params.server";
import { DataTable, relationHref } from "~/components/DataTable";
import { Cell } from "~/components/explorer/Cell";
import { RecordPageLinks } from "~/components/explorer/RecordPageLinks";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { rowView } from "~/explorer/explorer.server";

export const meta: MetaFunction<typeof loader> = ({ params }) => [
  { title: `${params.model} row · Database · Operator portal` },
];

const RowQuery = z.object({ pk: z.string().min(1).max(4096) });

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request);
  const modelName = requireModelParam(params);
  const url = new URL(request.url);
  const query = RowQuery.safeParse({ pk: url.searchParams.get("pk") });
  if (!query.success)
    throw json({ error: "This row link has no primary key (pk). Open the row from its table." }, { status: 400 });
  const result = await rowView(modelName, query.data.pk, url.searchParams);
  if (result.kind === "notFound")
    throw json({ error: `There is no ${modelName} row with that key. It may have been deleted.` }, { status: 404 });
  if (result.kind === "badRequest") throw json({ error: result.problem }, { status: 400 });
  return json(result, { status: result.problems.length ? 400 : 200 });
}

export default function RowPage() {
  const { model, pk, row, toMany, problems } = useLoaderData<typeof loader>();
  const pagerHref = (relation: string, key: "after" | "before", cursor: string) =>
    `?${new URLSearchParams({ pk, [`${relation}.${key}`]: cursor })}`;
  return (
    <>
      <p className="muted">
        <Link to="/admin/database">Database</Link> / <Link to={`/admin/database/${model.name}`}>{model.name}</Link> /
      </p>
      {problems.map((problem) => (
        <p key={problem} className="error-text" role="alert">
          {problem}
        </p>
      ))}
      <h1>
        {model.name} {model.primaryKey.map((field) => String(row.cells[field] ?? "")).join(" · ")}
      </h1>
      <RecordPageLinks model={model.name} cells={row.cells} />
      <div className="card">
        <table className="vars" aria-label="Row">
          <tbody>
            {model.columns.map((column) => {
              const relation = model.relations.find((r) => r.kind === "toOne" && r.localFields[0] === column.name);
              const link = relation && row.toOne.find((t) => t.relation === relation.name)?.link;
              return (
                <tr key={column.name}>
                  <th scope="row" className="mono">
                    {column.name}
                  </th>
                  <td>
                    <Cell
                      column={column}
                      value={row.cells[column.name] ?? null}
                      href={link ? relationHref(link) : undefined}
                    />
                  </td>
                  <td className="muted">{column.kind}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {row.toOne.map((related) => (
        <section key={related.relation} className="explorer-related">
          <h2>
            {related.relation} <span className="muted">→ {related.targetModel}</span>
          </h2>
          {related.link && related.cells ? (
            <p>
              <Link to={relationHref(related.link)}>Open the related {related.targetModel} row</Link>
            </p>
          ) : (
            <p className="muted">No related row.</p>
          )}
        </section>
      ))}
      {toMany.map((related) => (
        <section key={related.relation} className="explorer-related" aria-label={`Related ${related.relation}`}>
          <h2>
            {related.relation} <span className="muted">→ {related.targetModel.name}</span>{" "}
            <Link
              className="muted"
              to={relationHref({ model: related.targetModel.name, pk: null, filters: related.filters })}
            >
              open in table
            </Link>
          </h2>
          {related.timeout ? <p className="error-text">{related.timeout}</p> : null}
          {related.page ? (
            <>
              <DataTable model={related.targetModel} rows={related.page.rows} visible={null} />
              <nav className="row explorer-pager" aria-label={`${related.relation} pages`}>
                {related.page.hasPrev && related.page.prevCursor ? (
                  <Link to={pagerHref(related.relation, "before", related.page.prevCursor)}>← Previous</Link>
                ) : null}
                {related.page.hasNext && related.page.nextCursor ? (
                  <Link to={pagerHref(related.relation, "after", related.page.nextCursor)}>Next →</Link>
                ) : null}
              </nav>
            </>
          ) : null}
        </section>
      ))}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
