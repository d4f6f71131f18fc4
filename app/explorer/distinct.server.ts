// Text predicates on a column that leads a btree index and holds few distinct values (SmtInterval.esiid: a few
// thousand meters, tens of thousands of rows each). A trigram index finds every matching row, and sorting them all
// for one page is slow; walking the btree hoping to meet matches early reads most of the table when they sit far
// along it. Instead the distinct values are read by a capped skip scan of the btree, the predicate picks among them,
// and the page becomes `column = ANY(values)`, which the same btree serves in order.
import type pg from "pg";
import { conditionSql, searchedColumns, searchPattern, type KnownMatches, type SearchScope } from "./where.server";
import { columnSql, quoteIdentifier, SqlParams } from "./sql.server";
import type { ExplorerColumn, ExplorerModel } from "./types";
import { columnOf, type Filter, type ViewState } from "./view";

/** Most distinct values one skip scan reads; past this, the ordinary predicate is used. */
export const DISTINCT_VALUE_CAP = 2_000;

/** A leading text column of a btree index; whether its values are few is found out by the capped skip scan. */
function skipScannable(column: ExplorerColumn): boolean {
  return column.kind === "text" && column.leadsIndex && !column.masked;
}

interface Predicate {
  column: ExplorerColumn;
  sql: (alias: string, params: SqlParams) => string;
  record: (known: KnownMatches, values: string[]) => void;
}

function predicatesOf(model: ExplorerModel, view: Pick<ViewState, "filters" | "search">, scope: SearchScope) {
  const predicates: Predicate[] = [];
  for (const filter of view.filters) {
    const column = filter.relation ? undefined : columnOf(model, filter.field);
    if (!column || !skipScannable(column) || (filter.op !== "contains" && filter.op !== "starts")) continue;
    predicates.push({
      column,
      sql: (alias, params) => conditionSql(column, filter, alias, params),
      record: (known, values) => known.filters.set(filter as Filter, values),
    });
  }
  if (view.search)
    for (const column of searchedColumns(model, scope).filter(skipScannable))
      predicates.push({
        column,
        sql: (alias, params) => `${columnSql(column, alias)} ILIKE ${params.bind(searchPattern(view.search))}`,
        record: (known, values) => known.search.set(column.name, values),
      });
  return predicates;
}

/**
 * For each text predicate on a skip-scannable column, the column's matching values, when the column holds at
 * most DISTINCT_VALUE_CAP distinct values. One statement per column; the predicate is the explorer's own SQL,
 * so matching is exactly what the plain condition would match.
 */
export async function resolveKnownMatches(
  client: pg.PoolClient,
  model: ExplorerModel,
  view: Pick<ViewState, "filters" | "search">,
  scope: SearchScope,
): Promise<KnownMatches | undefined> {
  const predicates = predicatesOf(model, view, scope);
  if (!predicates.length) return undefined;
  const known: KnownMatches = { filters: new Map(), search: new Map() };
  for (const column of new Set(predicates.map((p) => p.column))) {
    const own = predicates.filter((p) => p.column === column);
    const params = new SqlParams();
    const name = quoteIdentifier(column.dbName);
    const table = quoteIdentifier(model.table);
    const matches = own.map((p, i) => `array_agg(d.${name}) FILTER (WHERE ${p.sql("d", params)}) AS m${i}`);
    // Each step finds the next distinct value with one btree descent; NULLs are never matched by LIKE.
    const { rows } = await client.query<Record<string, string[] | number | null>>(
      `WITH RECURSIVE d(${name}, n) AS (
         (SELECT ${name}, 1 FROM ${table} WHERE ${name} IS NOT NULL ORDER BY ${name} LIMIT 1)
         UNION ALL
         SELECT (SELECT t.${name} FROM ${table} t WHERE t.${name} > d.${name} ORDER BY t.${name} LIMIT 1), d.n + 1
           FROM d WHERE d.${name} IS NOT NULL AND d.n <= ${DISTINCT_VALUE_CAP}
       )
       SELECT count(*)::int AS seen, ${matches.join(", ")} FROM d WHERE d.${name} IS NOT NULL`,
      params.values,
    );
    if ((rows[0].seen as number) > DISTINCT_VALUE_CAP) continue;
    own.forEach((p, i) => p.record(known, (rows[0][`m${i}`] as string[] | null) ?? []));
  }
  return known.filters.size || known.search.size ? known : undefined;
}
