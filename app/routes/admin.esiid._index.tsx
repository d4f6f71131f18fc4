import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireOperator } from "~/auth/operator.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { PremiseResults } from "~/components/esiid/PremiseResults";
import { parsePremiseSearch, searchPremises } from "~/esiid/search.server";

export const meta: MetaFunction = () => [{ title: "ESIID search · Operator portal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  const search = parsePremiseSearch(new URL(request.url).searchParams);
  const result = await searchPremises(search);
  return json({ search, result });
}

export default function EsiidSearchPage() {
  const { search, result } = useLoaderData<typeof loader>();
  const pageHref = (page: number) =>
    `?${new URLSearchParams({ q: search.q, zip: search.zip, city: search.city, page: String(page) })}`;
  return (
    <section className="card esiid-search" aria-labelledby="esiid-title">
      <h1 id="esiid-title">ESIID search</h1>
      <Form method="get" className="row esiid-form" role="search">
        <label>
          ESIID or address
          <input name="q" defaultValue={search.q} placeholder="8744 oconnor dallas, or 1044372…" />
        </label>
        <label>
          ZIP
          <input name="zip" defaultValue={search.zip} inputMode="numeric" size={7} />
        </label>
        <label>
          City
          <input name="city" defaultValue={search.city} size={14} />
        </label>
        <button type="submit">Search</button>
      </Form>
      {result.message ? <p className="muted">{result.message}</p> : null}
      {result.mode !== "none" && !result.message && result.results.length === 0 ? (
        <p className="muted">No premise matches. Try fewer words, or check the ZIP and city.</p>
      ) : null}
      {result.results.length > 0 ? <PremiseResults hits={result.results} /> : null}
      {result.page > 1 || result.hasMore ? (
        <nav className="row" aria-label="Pages">
          {result.page > 1 ? <Link to={pageHref(result.page - 1)}>← Previous</Link> : null}
          <span className="muted">Page {result.page}</span>
          {result.hasMore ? <Link to={pageHref(result.page + 1)}>Next →</Link> : null}
        </nav>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
