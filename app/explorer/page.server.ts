// One page of a table view: the SELECT with its keyset or offset paging, and the cursors around it.
import type pg from "pg";
import { boundedCount, EXACT_COUNT_LIMIT } from "./models.server";
import { keysetSql, orderBySql, orderKeys, viewWalk, type Walk } from "./order.server";
import { ExplorerTimeoutError, readOnly } from "./pool.server";
import { relationLink } from "./relations.server";
import { identitySelection, selectionFor } from "./selection.server";
import { columnSql, quoteIdentifier, SqlParams } from "./sql.server";
import { decodeKeyToken, encodeToken } from "./token.server";
import type { ExplorerColumn, ExplorerModel, ModelLookup, PageResult, PageRow, RelationLink } from "./types";
import { columnOf, type ViewState } from "./view";
import { resolveKnownMatches } from "./distinct.server";
import { searchedColumns, searchIsIndexed, whereSql, type KnownMatches, type SearchScope } from "./where.server";

export const SEARCH_TIMEOUT_MS = 3_000;

/** Keyset paging means a large table: there the global search keeps to trigram-indexed columns. */
export function searchScopeFor(paging: "keyset" | "offset"): SearchScope {
  return paging === "keyset" ? "indexed" : "all";
}

export interface PageRequest {
  model: ExplorerModel;
  view: ViewState;
  paging: "keyset" | "offset";
  lookup: ModelLookup;
  /** Visible columns; defaults to all. */
  columns?: ExplorerColumn[];
  /** Values text predicates were found to match (see distinct.server.ts). */
  known?: KnownMatches;
}

export interface PageQuery {
  text: string;
  values: (string | null)[];
  /** True when walking backwards (a `before` cursor): rows come in reverse view order. */
  reversed: boolean;
  decodeRow: (record: Record<string, unknown>) => PageRow;
  cursorOf: (record: Record<string, unknown>) => string;
  problems: string[];
}

export function pageQuery(request: PageRequest): PageQuery {
  const { model, view, paging, lookup } = request;
  const params = new SqlParams();
  const problems: string[] = [];
  const keys = orderKeys(model, view.sort);
  const conditions = whereSql(model, view, params, lookup, searchScopeFor(paging), request.known);

  let reversed = false;
  const cursorToken = paging === "keyset" ? (view.after ?? view.before) : null;
  if (cursorToken) {
    const cursor = decodeKeyToken(cursorToken, keys);
    if ("problem" in cursor) {
      problems.push(`The page link does not fit this view: ${cursor.problem} Showing the first page.`);
    } else {
      reversed = !view.after;
      conditions.push(keysetSql(keys, cursor.values, viewWalk(view.dir, reversed), params));
    }
  }

  const toOne = model.relations.filter((r) => r.kind === "toOne");
  const foreignKeys = toOne.flatMap((r) => r.localFields.map((f) => columnOf(model, f)!));
  const identityColumns = [...new Set([...keys, ...foreignKeys])];
  const selection = selectionFor(request.columns ?? model.columns, "table");
  const identity = identitySelection(identityColumns);
  const limit = params.bind(String(view.pageSize + 1), "int");
  const offset = paging === "offset" ? ` OFFSET ${params.bind(String((view.page - 1) * view.pageSize), "int")}` : "";
  const table = quoteIdentifier(model.table);
  const where = conditions.length ? ` WHERE ${conditions.join(" AND ")}` : "";
  const walk = viewWalk(view.dir, reversed);
  const columns = [selection.sql, identity.sql].filter(Boolean).join(", ");
  // With a filter an index serves, PostgreSQL may still walk the ordering index and test every row, hoping
  // to meet a page of matches early; when the matches sit far along that order it reads most of the table.
  // OFFSET 0 fences the filter into its own plan (its index), and only the matches are sorted.
  const fenced = paging === "keyset" && indexServesFilter(model, view, keys, request.known);
  const ordered = (select: string) =>
    fenced
      ? `SELECT * FROM (SELECT ${select} FROM ${table} t${where} OFFSET 0) m ` +
        `ORDER BY ${orderBySql(keys, walk, (_, i) => `m.k${i}`)} LIMIT ${limit}`
      : `SELECT ${select} FROM ${table} t${where} ORDER BY ${orderBySql(keys, walk)} LIMIT ${limit}${offset}`;
  const text = keysThenRows(model, keys, walk, columns, ordered) ?? ordered(columns);

  const decodeRow = (record: Record<string, unknown>): PageRow => {
    const raw = identity.read(record);
    const links: Record<string, RelationLink> = {};
    for (const relation of toOne) {
      const values = relation.localFields.map((f) => raw.get(f) ?? null);
      if (values.some((v) => v === null)) continue;
      links[relation.localFields[0]] = relationLink(
        relation.targetModel,
        relation.remoteFields,
        values as string[],
        lookup,
      );
    }
    return { cells: selection.decode(record), pk: encodeToken(model.primaryKey.map((f) => raw.get(f) ?? null)), links };
  };
  const cursorOf = (record: Record<string, unknown>) => {
    const raw = identity.read(record);
    return encodeToken(keys.map((key) => raw.get(key.name) ?? null));
  };
  return { text, values: params.values, reversed, decodeRow, cursorOf, problems };
}

/**
 * The page's keys chosen from the order columns alone (`ordered` sorts and limits them), then only those rows read
 * whole by primary key: the select list (arrays as JSON, text cut to length) is computed for one page, not for every
 * row a sort or filter reads. Null when the table has no primary key that cannot be NULL to join back on.
 */
function keysThenRows(
  model: ExplorerModel,
  keys: ExplorerColumn[],
  walk: Walk,
  columns: string,
  ordered: (select: string) => string,
): string | null {
  const primary = model.primaryKey.map((name) => keys.findIndex((key) => key.name === name && !key.nullable));
  if (!primary.length || primary.includes(-1)) return null;
  const table = quoteIdentifier(model.table);
  const pageKeys = ordered(keys.map((c, i) => `${columnSql(c, "t")} AS k${i}`).join(", "));
  const join = primary.map((k) => `${columnSql(keys[k], "t")} = page.k${k}`).join(" AND ");
  return (
    `SELECT ${columns} FROM (${pageKeys}) page JOIN ${table} t ON ${join} ` +
    `ORDER BY ${orderBySql(keys, walk, (_, i) => `page.k${i}`)}`
  );
}

export async function queryPage(request: PageRequest): Promise<PageResult> {
  const { view, paging } = request;
  const timeout = view.search ? SEARCH_TIMEOUT_MS : undefined;
  return readOnly(async (client) => {
    const query = pageQuery({ ...request, known: await knownMatches(client, request) });
    const { rows: records } = await client.query<Record<string, unknown>>(query.text, query.values);
    const more = records.length > view.pageSize;
    const pageRecords = records.slice(0, view.pageSize);
    if (query.reversed) pageRecords.reverse();
    const first = pageRecords[0];
    const last = pageRecords[pageRecords.length - 1];
    const cameWithCursor = !query.problems.length && !!(view.after || view.before);

    let hasNext: boolean;
    let hasPrev: boolean;
    if (paging === "offset") {
      hasNext = more;
      hasPrev = view.page > 1;
    } else if (query.reversed) {
      hasNext = true;
      hasPrev = more;
    } else {
      hasNext = more;
      hasPrev = cameWithCursor;
    }
    const matching = paging === "offset" ? await countMatching(client, request) : null;
    return {
      rows: pageRecords.map(query.decodeRow),
      paging,
      nextCursor: hasNext && last ? query.cursorOf(last) : null,
      prevCursor: hasPrev && first ? query.cursorOf(first) : null,
      hasNext,
      hasPrev,
      page: view.page,
      matching,
      problems: query.problems,
    };
  }, timeout);
}

/** How long a large table may spend counting the rows a filter matches before the count is "unknown". */
const MATCH_COUNT_TIMEOUT_MS = 500;

/** Rows matching the view's filters, counted up to EXACT_COUNT_LIMIT + 1; null when counting takes too long. */
export async function countMatchingRows(request: PageRequest): Promise<number | null> {
  try {
    return await readOnly((client) => countMatching(client, request), MATCH_COUNT_TIMEOUT_MS);
  } catch (error) {
    if (error instanceof ExplorerTimeoutError) return null;
    throw error;
  }
}

/** On a large table, the values text predicates match on a leading btree column with few distinct values. */
function knownMatches(client: pg.PoolClient, request: PageRequest): Promise<KnownMatches | undefined> {
  const { model, view, paging } = request;
  if (paging !== "keyset") return Promise.resolve(undefined);
  return resolveKnownMatches(client, model, view, searchScopeFor(paging));
}

/** True when a filter or the search is served by an index other than the one that orders the page. */
function indexServesFilter(
  model: ExplorerModel,
  view: ViewState,
  keys: ExplorerColumn[],
  known: KnownMatches | undefined,
): boolean {
  const firstKey = keys[0];
  // A search resolved to values of the ordering column is served by the ordering index itself.
  const searchViaOrder = searchedColumns(model, "indexed").every((c) => c === firstKey && known?.search.has(c.name));
  if (view.search && searchIsIndexed(model, view.search) && !searchViaOrder) return true;
  return view.filters.some((filter) => {
    const column = filter.relation ? undefined : columnOf(model, filter.field);
    if (!column || column === firstKey || filter.op === "is") return false;
    if (known?.filters.has(filter)) return true;
    if (filter.op === "eq" && equalityLeadsOrder(model, column, keys)) return false;
    return filter.op === "contains" || filter.op === "starts" ? column.trigramIndexed : column.leadsIndex;
  });
}

/** True when a btree index on (column, order keys…) hands over the rows equal to a value already in page order. */
function equalityLeadsOrder(model: ExplorerModel, column: ExplorerColumn, keys: ExplorerColumn[]): boolean {
  const wanted = [column, ...keys.filter((key) => key !== column)].map((c) => c.name);
  return model.btreeIndexes.some((index) => wanted.every((name, i) => index[i] === name));
}

async function countMatching(client: pg.PoolClient, request: PageRequest): Promise<number> {
  const { model, view, lookup, paging } = request;
  if (!view.filters.length && !view.search) return boundedCount(client, model);
  const params = new SqlParams();
  const known = await knownMatches(client, request);
  const conditions = whereSql(model, view, params, lookup, searchScopeFor(paging), known);
  const matching = `SELECT 1 FROM ${quoteIdentifier(model.table)} t WHERE ${conditions.join(" AND ")}`;
  const { rows } = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM (${matching} LIMIT ${EXACT_COUNT_LIMIT + 1}) bounded`,
    params.values,
  );
  return Number(rows[0].n);
}
