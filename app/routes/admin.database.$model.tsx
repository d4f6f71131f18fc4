import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { requireOperator } from "~/auth/operator.server";
import { requireModelParam } from "~/explorer/route-params.server";
import { DataTable } from "~/components/DataTable";
import { ExportLinks } from "~/components/explorer/ExportLinks";
import { ViewCountLabel } from "~/components/explorer/RowCountLabel";
import { ColumnPicker, FilterBar, SearchForm } from "~/components/explorer/ViewControls";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { tableView } from "~/explorer/explorer.server";
import { firstPage, viewSearchParams, type ViewState } from "~/explorer/view";

export const meta: MetaFunction<typeof loader> = ({ params }) => [
  { title: `${params.model} · Database · Operator portal` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireOperator(request);
  const modelName = requireModelParam(params);
  const url = new URL(request.url);
  const result = await tableView(modelName, url.searchParams);
  if (result.kind === "notFound") throw json({ error: `There is no model called ${modelName}.` }, { status: 404 });
  if (result.kind === "redirect") throw redirect(`${url.pathname}?${result.search}`);
  return json(result, { status: result.problems.length ? 400 : 200 });
}

function href(view: ViewState): string {
  const search = viewSearchParams(view).toString();
  return search ? `?${search}` : "?";
}

export default function ModelTable() {
  const { model, related, view, count, page, problems, notices, timeout, matching, rejectedFilter } =
    useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const location = useLocation();
  // Sorting, paging or filtering this table: the rows on screen are about to be replaced.
  const pending = navigation.state === "loading" && navigation.location.pathname === location.pathname;
  const sortHref = (column: string) =>
    href(firstPage({ ...view, sort: column, dir: view.sort === column && view.dir === "asc" ? "desc" : "asc" }));
  const exportParams = viewSearchParams(firstPage(view));
  const exportHref = (format: string) =>
    `/admin/database/${model.name}/export?${new URLSearchParams([["format", format], ...exportParams])}`;
  const pageSize = view.pageSize;

  return (
    <>
      <p className="muted">
        <Link to="/admin/database">Database</Link> /
      </p>
      <div className="row explorer-heading">
        <h1>{model.name}</h1>
        <span className="muted" data-testid="row-count">
          <ViewCountLabel count={count} matching={matching} /> · key {model.primaryKey.join(", ")} · read-only
        </span>
        <ExportLinks href={exportHref} count={count} matching={matching} />
      </div>
      <div className="row explorer-toolbar">
        <SearchForm view={view} />
        <ColumnPicker model={model} view={view} />
      </div>
      <FilterBar key={href(firstPage(view))} model={model} related={related} view={view} rejected={rejectedFilter} />
      {problems.map((problem) => (
        <p key={problem} className="error-text" role="alert">
          {problem}
        </p>
      ))}
      {notices.map((notice) => (
        <p key={notice} className="muted explorer-notice" role="status">
          {notice}
        </p>
      ))}
      {timeout ? (
        <p className="card error-text" role="alert">
          {timeout}
        </p>
      ) : null}
      {page ? (
        <>
          <DataTable
            model={model}
            rows={page.rows}
            visible={view.visible}
            sort={{ column: view.sort, dir: view.dir, href: sortHref }}
            pending={pending}
          />
          <nav className="row explorer-pager" aria-label="Pages">
            {page.hasPrev ? (
              <Link
                to={href(
                  page.paging === "offset"
                    ? { ...view, page: view.page - 1 }
                    : { ...view, after: null, before: page.prevCursor, page: 1 },
                )}
                rel="prev"
              >
                ← Previous
              </Link>
            ) : (
              <span className="muted">← Previous</span>
            )}
            <span className="muted" data-testid="page-info" aria-live="polite">
              {pending ? "Loading… " : ""}
              {page.paging === "offset" && page.matching !== null
                ? `Page ${view.page} of ${Math.max(1, Math.ceil(page.matching / pageSize))} · ` +
                  `${page.matching.toLocaleString("en-US")} matching`
                : `${page.rows.length} rows on this page · keyset paging`}
            </span>
            {page.hasNext ? (
              <Link
                to={href(
                  page.paging === "offset"
                    ? { ...view, page: view.page + 1 }
                    : { ...view, before: null, after: page.nextCursor, page: 1 },
                )}
                rel="next"
              >
                Next →
              </Link>
            ) : (
              <span className="muted">Next →</span>
            )}
          </nav>
        </>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
