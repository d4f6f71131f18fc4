import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { TableScroll } from "~/components/TableScroll";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireOperator } from "~/auth/operator.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { RowCountLabel } from "~/components/explorer/RowCountLabel";
import { modelOverview } from "~/explorer/explorer.server";

export const meta: MetaFunction = () => [{ title: "Database · Operator portal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  const overview = await modelOverview();
  return json({
    models: overview.map(({ model, count }) => ({
      name: model.name,
      table: model.table,
      primaryKey: model.primaryKey,
      columns: model.columns.length,
      relations: model.relations.map((r) => `${r.name} → ${r.targetModel}`),
      count,
    })),
  });
}

export default function DatabaseIndex() {
  const { models } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Database</h1>
      <p className="muted">
        Read-only. Counts marked ≈ are the planner&apos;s estimate: large tables are never counted row by row.
      </p>
      <TableScroll>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Rows</th>
              <th scope="col">Primary key</th>
              <th scope="col">Columns</th>
              <th scope="col">Relations</th>
            </tr>
          </thead>
          <tbody>
            {models.map((model) => (
              <tr key={model.name}>
                <td>
                  <Link to={`/admin/database/${model.name}`}>{model.name}</Link>
                </td>
                <td data-testid={`count-${model.name}`}>
                  <RowCountLabel count={model.count} />
                </td>
                <td className="mono">{model.primaryKey.join(", ")}</td>
                <td>{model.columns}</td>
                <td className="muted">{model.relations.join(", ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
