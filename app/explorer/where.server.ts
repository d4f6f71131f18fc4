// WHERE conditions: per-column filters, filters across relations (EXISTS), the global search, and
// primary-key equality. The op/value pairs were validated by view.ts before they reach here.
import { castType, columnSql, escapeLike, quoteIdentifier, type SqlParams } from "./sql.server";
import type { ExplorerColumn, ExplorerModel, ModelLookup } from "./types";
import { columnOf, filterColumn, type Filter, type ViewState } from "./view";

const TEXT_TYPES = new Set(["text", "character varying", "character"]);

/** One filter on one column as SQL. */
export function conditionSql(
  column: ExplorerColumn,
  filter: Pick<Filter, "op" | "value">,
  alias: string,
  params: SqlParams,
): string {
  const target = columnSql(column, alias);
  // LIKE needs text; a text-kind column of another type (uuid, citext…) is compared as its text form.
  const asText = TEXT_TYPES.has(castType(column)) ? target : `${target}::text`;
  switch (filter.op) {
    case "is":
      return `${target} IS ${filter.value === "null" ? "" : "NOT "}NULL`;
    case "contains":
      return `${asText} ILIKE ${params.bind(`%${escapeLike(filter.value)}%`)}`;
    case "starts":
      return `${asText} LIKE ${params.bind(`${escapeLike(filter.value)}%`)}`;
    case "eq":
      return `${target} = ${params.bind(filter.value, castType(column))}`;
    case "gte":
      return `${target} >= ${params.bind(filter.value, castType(column))}`;
    case "lte":
      return `${target} <= ${params.bind(filter.value, castType(column))}`;
    case "lt":
      return `${target} < ${params.bind(filter.value, castType(column))}`;
  }
}

/** A relation filter is an EXISTS on the related table, joined on the foreign key: "rows whose rawFile has…". */
function relationConditionSql(
  model: ExplorerModel,
  filter: Filter,
  column: ExplorerColumn,
  params: SqlParams,
  lookup: ModelLookup,
): string {
  const relation = model.relations.find((r) => r.name === filter.relation)!;
  const target = lookup(relation.targetModel)!;
  const join = relation.localFields.map((local, i) => {
    const remote = columnSql(columnOf(target, relation.remoteFields[i])!, "r");
    return `${remote} = ${columnSql(columnOf(model, local)!, "t")}`;
  });
  const conditions = [...join, conditionSql(column, filter, "r", params)].join(" AND ");
  return `EXISTS (SELECT 1 FROM ${quoteIdentifier(target.table)} r WHERE ${conditions})`;
}

/** "all" text columns, or on a large table only those a trigram index serves (when any has one). */
export type SearchScope = "all" | "indexed";

/** Values a text predicate was found to match (distinct.server.ts): the condition becomes `column = ANY(values)`. */
export interface KnownMatches {
  filters: Map<Filter, string[]>;
  /** By column name: the values the global search matches in that column. */
  search: Map<string, string[]>;
}

function anyOfSql(column: ExplorerColumn, values: string[], params: SqlParams): string {
  return `${columnSql(column, "t")} = ANY(${params.bind(arrayLiteral(values), `${castType(column)}[]`)})`;
}

export function whereSql(
  model: ExplorerModel,
  view: Pick<ViewState, "filters" | "search">,
  params: SqlParams,
  lookup: ModelLookup,
  scope: SearchScope = "all",
  known?: KnownMatches,
): string[] {
  const conditions: string[] = [];
  for (const filter of view.filters) {
    const column = filterColumn(model, filter, lookup);
    if (!column) continue;
    const values = known?.filters.get(filter);
    conditions.push(
      filter.relation
        ? relationConditionSql(model, filter, column, params, lookup)
        : values
          ? anyOfSql(column, values, params)
          : conditionSql(column, filter, "t", params),
    );
  }
  if (view.search) conditions.push(searchSql(model, view.search, params, scope, known));
  return conditions;
}

/** The global search: text columns by substring (ILIKE, which a trigram index serves), enum columns by label. */
function searchSql(
  model: ExplorerModel,
  search: string,
  params: SqlParams,
  scope: SearchScope,
  known?: KnownMatches,
): string {
  const arms: string[] = [];
  const textColumns = searchedColumns(model, scope);
  const resolved = textColumns.filter((c) => known?.search.has(c.name));
  for (const column of resolved) arms.push(anyOfSql(column, known!.search.get(column.name)!, params));
  const patterned = textColumns.filter((c) => !resolved.includes(c));
  if (patterned.length) {
    const pattern = params.bind(searchPattern(search));
    arms.push(...patterned.map((c) => `${columnSql(c, "t")} ILIKE ${pattern}`));
  }
  for (const column of model.columns.filter((c) => c.kind === "enum" && !c.masked)) {
    const labels = matchingLabels(column, search);
    if (labels.length)
      arms.push(`${columnSql(column, "t")} = ANY(${params.bind(arrayLiteral(labels), `${castType(column)}[]`)})`);
  }
  return arms.length ? `(${arms.join(" OR ")})` : "FALSE";
}

/** The global search matches a text column by substring, case-insensitively. */
export function searchPattern(search: string): string {
  return `%${escapeLike(search)}%`;
}

export function searchedColumns(model: ExplorerModel, scope: SearchScope): ExplorerColumn[] {
  const text = model.columns.filter((c) => c.kind === "text" && !c.masked);
  const indexed = text.filter((c) => c.trigramIndexed);
  return scope === "indexed" && indexed.length ? indexed : text;
}

/** True when the search reads only trigram-indexed columns (no enum label matched, whose arm no index serves). */
export function searchIsIndexed(model: ExplorerModel, search: string): boolean {
  const enumMatch = model.columns.some((c) => c.kind === "enum" && !c.masked && matchingLabels(c, search).length);
  return !enumMatch && searchedColumns(model, "indexed").some((c) => c.trigramIndexed);
}

function matchingLabels(column: ExplorerColumn, search: string): string[] {
  const needle = search.toLowerCase();
  return (column.enumValues ?? []).filter((label) => label.toLowerCase().includes(needle));
}

/** A PostgreSQL array literal of text elements, each quoted. */
function arrayLiteral(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(",")}}`;
}

export function primaryKeyCondition(
  model: ExplorerModel,
  values: (string | null)[],
  params: SqlParams,
  alias = "t",
): string {
  const columns = model.primaryKey.map((f) => columnOf(model, f)!);
  const left = columns.map((c) => columnSql(c, alias)).join(", ");
  const right = columns.map((c, i) => params.bind(values[i], castType(c))).join(", ");
  return `(${left}) = (${right})`;
}
