// All explorer SQL is built here. Identifiers come only from model metadata (quoteIdentifier);
// every value from a request is a bound parameter cast to the column's type.
import type pg from "pg";
import { boundedCount, EXACT_COUNT_LIMIT, quoteIdentifier } from "./models.server";
import { readOnly } from "./pool.server";
import type { CellValue, ExplorerColumn, ExplorerModel, ExplorerRow } from "./types";
import { columnOf, filterColumn, type Filter, type ViewState } from "./view";

export const SEARCH_TIMEOUT_MS = 3_000;
/** Long text in the table is cut here; the row page shows it whole. */
export const TABLE_TEXT_LIMIT = 500;
const BYTES_PREVIEW = 16;

export type ModelLookup = (name: string) => ExplorerModel | undefined;

/** Collects bound parameters; placeholders carry the column's base type so comparisons stay typed. */
export class SqlParams {
  readonly values: (string | null)[] = [];
  bind(value: string | null, sqlType = "text"): string {
    this.values.push(value);
    return `$${this.values.length}::${sqlType}`;
  }
}

/** `numeric(12,4)` → `numeric`: a filter value must not be rounded to the column's scale before comparing. */
export function castType(column: ExplorerColumn): string {
  return column.sqlType.replace(/\([^)]*\)/g, "");
}

function columnSql(column: ExplorerColumn, alias: string): string {
  return `${alias}.${quoteIdentifier(column.dbName)}`;
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** One filter on one column as SQL. The op/value pair was validated by view.ts. */
export function conditionSql(
  column: ExplorerColumn,
  filter: Pick<Filter, "op" | "value">,
  alias: string,
  params: SqlParams,
): string {
  const target = columnSql(column, alias);
  switch (filter.op) {
    case "is":
      return `${target} IS ${filter.value === "null" ? "" : "NOT "}NULL`;
    case "contains":
      return `${target} ILIKE ${params.bind(`%${escapeLike(filter.value)}%`)}`;
    case "starts":
      return `${target} LIKE ${params.bind(`${escapeLike(filter.value)}%`)}`;
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

export function whereSql(
  model: ExplorerModel,
  view: Pick<ViewState, "filters" | "search">,
  params: SqlParams,
  lookup: ModelLookup,
): string[] {
  const conditions: string[] = [];
  for (const filter of view.filters) {
    const column = filterColumn(model, filter, lookup);
    if (!column) continue;
    if (!filter.relation) {
      conditions.push(conditionSql(column, filter, "t", params));
      continue;
    }
    // A relation filter is an EXISTS on the related table, joined on the foreign key: "rows whose rawFile has…".
    const relation = model.relations.find((r) => r.name === filter.relation)!;
    const target = lookup(relation.targetModel)!;
    const join = relation.localFields.map(
      (local, i) =>
        `${columnSql(columnOf(target, relation.remoteFields[i])!, "r")} = ${columnSql(columnOf(model, local)!, "t")}`,
    );
    conditions.push(
      `EXISTS (SELECT 1 FROM ${quoteIdentifier(target.table)} r WHERE ${[...join, conditionSql(column, filter, "r", params)].join(" AND ")})`,
    );
  }
  if (view.search) {
    const textColumns = searchableColumns(model);
    if (textColumns.length) {
      const pattern = params.bind(`%${escapeLike(view.search)}%`);
      conditions.push(`(${textColumns.map((c) => `${columnSql(c, "t")} ILIKE ${pattern}`).join(" OR ")})`);
    }
  }
  return conditions;
}

export function searchableColumns(model: ExplorerModel): ExplorerColumn[] {
  return model.columns.filter((c) => c.kind === "text" && !c.masked);
}

// ---------------------------------------------------------------------------------------------
// Row identity tokens: primary keys and keyset cursors travel as base64url JSON arrays of text.

export function encodeToken(values: (string | number | boolean | null)[]): string {
  return Buffer.from(JSON.stringify(values.map((v) => (v === null ? null : String(v))))).toString("base64url");
}

export function decodeToken(token: string | null, length: number): (string | null)[] | null {
  if (!token) return null;
  try {
    const values = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (Array.isArray(values) && values.length === length && values.every((v) => v === null || typeof v === "string"))
      return values;
  } catch {
    // fall through: a mangled token is treated as absent
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Ordering and keyset predicates.

/** Sort column first, then the primary key as tie-breaker, all in one direction (so one index scan serves it). */
export function orderKeys(model: ExplorerModel, sort: string | null): ExplorerColumn[] {
  const primary = model.primaryKey.map((name) => columnOf(model, name)!);
  const sortColumn = sort ? columnOf(model, sort) : undefined;
  return sortColumn ? [sortColumn, ...primary.filter((c) => c !== sortColumn)] : primary;
}

function orderBySql(keys: ExplorerColumn[], dir: "asc" | "desc"): string {
  // PostgreSQL's defaults (ASC NULLS LAST, DESC NULLS FIRST) let a btree index serve both directions.
  return keys.map((c) => `${columnSql(c, "t")} ${dir.toUpperCase()}`).join(", ");
}

/**
 * Rows strictly after `cursor` when walking `keys` in direction `dir`. Only the first key may be
 * NULL (primary-key columns cannot), and NULLs sort last walking ascending, first walking descending.
 */
export function keysetSql(
  keys: ExplorerColumn[],
  cursor: (string | null)[],
  dir: "asc" | "desc",
  params: SqlParams,
): string {
  const op = dir === "asc" ? ">" : "<";
  const row = (columns: ExplorerColumn[], values: (string | null)[]) => {
    const left = columns.map((c) => columnSql(c, "t")).join(", ");
    const right = columns.map((c, i) => params.bind(values[i], castType(c))).join(", ");
    return `(${left}) ${op} (${right})`;
  };
  const [first, ...rest] = keys;
  const firstSql = columnSql(first, "t");
  if (cursor[0] !== null) {
    const comparison = row(keys, cursor);
    return first.nullable && dir === "asc" ? `(${comparison} OR ${firstSql} IS NULL)` : comparison;
  }
  const amongNulls = rest.length ? `(${firstSql} IS NULL AND ${row(rest, cursor.slice(1))})` : "FALSE";
  return dir === "asc" ? amongNulls : `(${amongNulls} OR ${firstSql} IS NOT NULL)`;
}

// ---------------------------------------------------------------------------------------------
// Selecting and decoding cells.

export type SelectMode = "table" | "row" | "export";

interface Selection {
  sql: string;
  decode: (record: Record<string, unknown>) => ExplorerRow;
}

/** Select expressions by output alias (c0, c1…), so no identifier is ever reused as an alias. */
export function selectionFor(columns: ExplorerColumn[], mode: SelectMode): Selection {
  const parts: string[] = [];
  const decoders: ((record: Record<string, unknown>) => [string, CellValue])[] = [];
  columns.forEach((column, i) => {
    const source = columnSql(column, "t");
    const alias = `c${i}`;
    if (column.masked) {
      parts.push(`(${source} IS NOT NULL) AS ${alias}`);
      decoders.push((r) => [column.name, r[alias] ? { masked: true } : null]);
    } else if (column.kind === "bytes" && mode !== "export") {
      const preview = mode === "row" ? 64 : BYTES_PREVIEW;
      parts.push(
        `octet_length(${source}) AS ${alias}, encode(substring(${source} from 1 for ${preview}), 'hex') AS ${alias}_hex`,
      );
      decoders.push((r) => [
        column.name,
        r[alias] === null ? null : { bytes: { size: Number(r[alias]), hexPreview: String(r[`${alias}_hex`]) } },
      ]);
    } else if (column.kind === "bytes") {
      parts.push(`'\\x' || encode(${source}, 'hex') AS ${alias}`);
      decoders.push((r) => [column.name, r[alias] as string | null]);
    } else if (column.kind === "json") {
      parts.push(`${column.sqlType.endsWith("[]") ? `to_jsonb(${source})` : source}::text AS ${alias}`);
      decoders.push((r) => [
        column.name,
        r[alias] === null ? null : mode === "export" ? (r[alias] as string) : { json: r[alias] as string },
      ]);
    } else if (column.kind === "text" && mode === "table") {
      parts.push(`left(${source}, ${TABLE_TEXT_LIMIT}) AS ${alias}, length(${source}) AS ${alias}_len`);
      decoders.push((r) => {
        const length = Number(r[`${alias}_len`]);
        return [
          column.name,
          r[alias] !== null && length > TABLE_TEXT_LIMIT
            ? { text: r[alias] as string, truncatedFrom: length }
            : (r[alias] as string | null),
        ];
      });
    } else {
      parts.push(`${source} AS ${alias}`);
      decoders.push((r) => [column.name, r[alias] as CellValue]);
    }
  });
  return {
    sql: parts.join(", "),
    decode: (record) => Object.fromEntries(decoders.map((decode) => decode(record))),
  };
}

/** Raw values of key and foreign-key columns (k0, k1…), for cursors, row tokens and relation links. */
function identitySelection(columns: ExplorerColumn[]): {
  sql: string;
  read: (record: Record<string, unknown>) => Map<string, string | null>;
} {
  return {
    sql: columns.map((c, i) => `${columnSql(c, "t")} AS k${i}`).join(", "),
    read: (record) =>
      new Map(columns.map((c, i) => [c.name, record[`k${i}`] === null ? null : String(record[`k${i}`])])),
  };
}

// ---------------------------------------------------------------------------------------------
// Pages.

export interface RelationLink {
  model: string;
  /** Row token when the foreign key points at the target's primary key. */
  pk: string | null;
  /** Otherwise equality filters on the target table. */
  filters: [string, string][];
}

export interface PageRow {
  cells: ExplorerRow;
  /** Primary-key token for the row page. */
  pk: string;
  /** Links for to-one relations, by the foreign-key field they start from. */
  links: Record<string, RelationLink>;
}

export interface PageResult {
  rows: PageRow[];
  paging: "keyset" | "offset";
  nextCursor: string | null;
  prevCursor: string | null;
  hasNext: boolean;
  hasPrev: boolean;
  page: number;
  /** Exact count of matching rows, only when the table is small enough to count (offset paging). */
  matching: number | null;
  /** Sentences about cursors that no longer fit the view. */
  problems: string[];
}

export interface PageRequest {
  model: ExplorerModel;
  view: ViewState;
  paging: "keyset" | "offset";
  lookup: ModelLookup;
  /** Visible columns; defaults to all. */
  columns?: ExplorerColumn[];
}

export function pageQuery(request: PageRequest): {
  text: string;
  values: (string | null)[];
  reversed: boolean;
  decodeRow: (record: Record<string, unknown>) => PageRow;
  problems: string[];
} {
  const { model, view, paging, lookup } = request;
  const columns = request.columns ?? model.columns;
  const params = new SqlParams();
  const problems: string[] = [];
  const keys = orderKeys(model, view.sort);
  const conditions = whereSql(model, view, params, lookup);

  let dir = view.dir;
  let reversed = false;
  if (paging === "keyset") {
    const after = decodeToken(view.after, keys.length);
    const before = after ? null : decodeToken(view.before, keys.length);
    if ((view.after && !after) || (view.before && !before))
      problems.push("The page link no longer fits this view; showing the first page.");
    if (before) {
      reversed = true;
      dir = dir === "asc" ? "desc" : "asc";
    }
    const cursor = after ?? before;
    if (cursor) conditions.push(keysetSql(keys, cursor, dir, params));
  }

  const toOne = model.relations.filter((r) => r.kind === "toOne");
  const identityColumns = [
    ...new Set([...keys, ...toOne.flatMap((r) => r.localFields.map((f) => columnOf(model, f)!))]),
  ];
  const selection = selectionFor(columns, "table");
  const identity = identitySelection(identityColumns);
  const limit = params.bind(String(view.pageSize + 1), "int");
  const offset = paging === "offset" ? ` OFFSET ${params.bind(String((view.page - 1) * view.pageSize), "int")}` : "";
  const text =
    `SELECT ${[selection.sql, identity.sql].filter(Boolean).join(", ")} FROM ${quoteIdentifier(model.table)} t` +
    (conditions.length ? ` WHERE ${conditions.join(" AND ")}` : "") +
    ` ORDER BY ${orderBySql(keys, dir)} LIMIT ${limit}${offset}`;

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
  return { text, values: params.values, reversed, decodeRow, problems };
}

function relationLink(targetName: string, remoteFields: string[], values: string[], lookup: ModelLookup): RelationLink {
  const target = lookup(targetName);
  const pointsAtPrimaryKey =
    target &&
    target.primaryKey.length === remoteFields.length &&
    target.primaryKey.every((f) => remoteFields.includes(f));
  if (target && pointsAtPrimaryKey) {
    return {
      model: targetName,
      pk: encodeToken(target.primaryKey.map((f) => values[remoteFields.indexOf(f)])),
      filters: [],
    };
  }
  return { model: targetName, pk: null, filters: remoteFields.map((f, i) => [f, values[i]]) };
}

function keyTokenOf(
  model: ExplorerModel,
  sort: string | null,
  row: Record<string, unknown>,
  identityIndexOf: (name: string) => number,
) {
  return encodeToken(
    orderKeys(model, sort).map((c) => {
      const value = row[`k${identityIndexOf(c.name)}`];
      return value === null || value === undefined ? null : String(value);
    }),
  );
}

export async function queryPage(request: PageRequest): Promise<PageResult> {
  const { model, view, paging } = request;
  const query = pageQuery(request);
  const timeout = view.search ? SEARCH_TIMEOUT_MS : undefined;
  return readOnly(async (client) => {
    const { rows: records } = await client.query<Record<string, unknown>>(query.text, query.values);
    const more = records.length > view.pageSize;
    const pageRecords = records.slice(0, view.pageSize);
    if (query.reversed) pageRecords.reverse();
    const keys = orderKeys(model, view.sort);
    const cursorOf = (record: Record<string, unknown>) =>
      keyTokenOf(model, view.sort, record, (name) => keys.findIndex((k) => k.name === name));
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
      nextCursor: hasNext && last ? cursorOf(last) : null,
      prevCursor: hasPrev && first ? cursorOf(first) : null,
      hasNext,
      hasPrev,
      page: view.page,
      matching,
      problems: query.problems,
    };
  }, timeout);
}

async function countMatching(client: pg.PoolClient, request: PageRequest): Promise<number> {
  const { model, view, lookup } = request;
  if (!view.filters.length && !view.search) return boundedCount(client, model);
  const params = new SqlParams();
  const conditions = whereSql(model, view, params, lookup);
  const { rows } = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM (SELECT 1 FROM ${quoteIdentifier(model.table)} t WHERE ${conditions.join(" AND ")} LIMIT ${EXACT_COUNT_LIMIT + 1}) bounded`,
    params.values,
  );
  return Number(rows[0].n);
}

// ---------------------------------------------------------------------------------------------
// One row and its relations.

export interface RowResult {
  cells: ExplorerRow;
  toOne: { relation: string; targetModel: string; link: RelationLink | null; cells: ExplorerRow | null }[];
}

export function primaryKeyCondition(
  model: ExplorerModel,
  values: (string | null)[],
  params: SqlParams,
  alias = "t",
): string {
  const columns = model.primaryKey.map((f) => columnOf(model, f)!);
  return `(${columns.map((c) => columnSql(c, alias)).join(", ")}) = (${columns.map((c, i) => params.bind(values[i], castType(c))).join(", ")})`;
}

/** The row with this primary-key token, or null; its to-one relations are read in the same transaction. */
export async function queryRow(model: ExplorerModel, pkToken: string, lookup: ModelLookup): Promise<RowResult | null> {
  const values = decodeToken(pkToken, model.primaryKey.length);
  if (!values) return null;
  return readOnly(async (client) => {
    const params = new SqlParams();
    const selection = selectionFor(model.columns, "row");
    const fkColumns = [
      ...new Set(
        model.relations.filter((r) => r.kind === "toOne").flatMap((r) => r.localFields.map((f) => columnOf(model, f)!)),
      ),
    ];
    const identity = identitySelection(fkColumns);
    const { rows } = await client.query<Record<string, unknown>>(
      `SELECT ${[selection.sql, identity.sql].filter(Boolean).join(", ")} FROM ${quoteIdentifier(model.table)} t WHERE ${primaryKeyCondition(model, values, params)}`,
      params.values,
    );
    if (!rows[0]) return null;
    const raw = identity.read(rows[0]);
    const toOne: RowResult["toOne"] = [];
    for (const relation of model.relations.filter((r) => r.kind === "toOne")) {
      const target = lookup(relation.targetModel);
      const localValues = relation.localFields.map((f) => raw.get(f) ?? null);
      if (!target || localValues.some((v) => v === null)) {
        toOne.push({ relation: relation.name, targetModel: relation.targetModel, link: null, cells: null });
        continue;
      }
      const targetParams = new SqlParams();
      const match = relation.remoteFields
        .map((f, i) => {
          const column = columnOf(target, f)!;
          return `${columnSql(column, "t")} = ${targetParams.bind(localValues[i], castType(column))}`;
        })
        .join(" AND ");
      const targetSelection = selectionFor(target.columns, "table");
      const related = await client.query<Record<string, unknown>>(
        `SELECT ${targetSelection.sql} FROM ${quoteIdentifier(target.table)} t WHERE ${match} LIMIT 1`,
        targetParams.values,
      );
      toOne.push({
        relation: relation.name,
        targetModel: relation.targetModel,
        link: relationLink(relation.targetModel, relation.remoteFields, localValues as string[], lookup),
        cells: related.rows[0] ? targetSelection.decode(related.rows[0]) : null,
      });
    }
    return { cells: selection.decode(rows[0]), toOne };
  });
}

/** The filters that select a to-many relation's rows for one parent row. */
export function toManyFilters(
  model: ExplorerModel,
  relationName: string,
  parentCells: ExplorerRow,
  pkValues: (string | null)[],
): Filter[] | null {
  const relation = model.relations.find((r) => r.name === relationName && r.kind === "toMany");
  if (!relation) return null;
  const filters: Filter[] = [];
  for (const [i, local] of relation.localFields.entries()) {
    const pkIndex = model.primaryKey.indexOf(local);
    const value = pkIndex >= 0 ? pkValues[pkIndex] : parentCells[local];
    if (value === null || typeof value === "object") return null;
    filters.push({ relation: null, field: relation.remoteFields[i], op: "eq", value: String(value) });
  }
  return filters;
}
