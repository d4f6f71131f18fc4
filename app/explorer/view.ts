import type { ColumnKind, ExplorerColumn, ExplorerModel } from "./types";

/** Everything that defines a table view; it all lives in the URL so a view can be shared. */
export interface ViewState {
  sort: string | null;
  dir: "asc" | "desc";
  filters: Filter[];
  search: string;
  /** Visible columns; null shows all. */
  visible: string[] | null;
  after: string | null;
  before: string | null;
  page: number;
  pageSize: number;
}

export type FilterOp = "contains" | "eq" | "starts" | "gte" | "lte" | "lt" | "is";

export interface Filter {
  /** A relation of the viewed model when the filter applies to related rows (EXISTS), else null. */
  relation: string | null;
  field: string;
  op: FilterOp;
  value: string;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export const OPS_BY_KIND: Record<ColumnKind, FilterOp[]> = {
  text: ["contains", "eq", "starts", "is"],
  enum: ["eq", "is"],
  int: ["eq", "gte", "lte", "is"],
  bigint: ["eq", "gte", "lte", "is"],
  float: ["gte", "lte", "is"],
  decimal: ["eq", "gte", "lte", "is"],
  datetime: ["gte", "lt", "is"],
  date: ["eq", "gte", "lte", "is"],
  boolean: ["eq", "is"],
  json: ["is"],
  bytes: ["is"],
};

export const OP_LABELS: Record<FilterOp, string> = {
  contains: "contains",
  eq: "equals",
  starts: "starts with",
  gte: "≥ / from",
  lte: "≤",
  lt: "before",
  is: "is null / not null",
};

export function opsForColumn(column: ExplorerColumn): FilterOp[] {
  return column.masked ? ["is"] : OPS_BY_KIND[column.kind];
}

const INTEGER = /^-?\d{1,19}$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const FLOAT = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?Z?$/;

/** Why a filter value does not fit its column, or null when it does. */
export function filterValueProblem(column: ExplorerColumn, op: FilterOp, value: string): string | null {
  if (!opsForColumn(column).includes(op)) return `"${OP_LABELS[op]}" does not apply to ${column.name}.`;
  if (op === "is") return value === "null" || value === "notnull" ? null : `${column.name}: choose null or not null.`;
  if (op === "contains" || op === "starts") return value === "" ? `${column.name}: enter some text.` : null;
  const ok = (() => {
    switch (column.kind) {
      case "int":
      case "bigint":
        return INTEGER.test(value);
      case "decimal":
        return DECIMAL.test(value);
      case "float":
        return FLOAT.test(value);
      case "date":
        return DATE.test(value);
      case "datetime":
        return DATETIME.test(value);
      case "boolean":
        return value === "true" || value === "false";
      case "enum":
        return column.enumValues?.includes(value) ?? false;
      default:
        return true;
    }
  })();
  return ok
    ? null
    : `${column.name}: "${value}" is not a valid ${column.kind === "enum" ? "choice" : column.kind} value.`;
}

export function filterKey(filter: Pick<Filter, "relation" | "field" | "op">): string {
  return `${filter.relation ? `${filter.relation}.` : ""}${filter.field}.${filter.op}`;
}

const RESERVED = new Set(["sort", "dir", "q", "col", "after", "before", "page", "size"]);
const ADD_FIELD = "addField";
const ADD_OP = "addOp";
const ADD_VALUE = "addValue";

export function columnOf(model: ExplorerModel, name: string): ExplorerColumn | undefined {
  return model.columns.find((column) => column.name === name);
}

/** The column a filter applies to: on the model itself or on a related model. */
export function filterColumn(
  model: ExplorerModel,
  filter: Pick<Filter, "relation" | "field">,
  modelByName: (name: string) => ExplorerModel | undefined,
): ExplorerColumn | undefined {
  if (!filter.relation) return columnOf(model, filter.field);
  const relation = model.relations.find((r) => r.name === filter.relation);
  const target = relation && modelByName(relation.targetModel);
  return target ? columnOf(target, filter.field) : undefined;
}

function parseFilterKey(key: string): Omit<Filter, "value"> | null {
  const parts = key.split(".");
  if (parts.length === 2) return { relation: null, field: parts[0], op: parts[1] as FilterOp };
  if (parts.length === 3) return { relation: parts[0], field: parts[1], op: parts[2] as FilterOp };
  return null;
}

export interface ParsedView {
  view: ViewState;
  /** Sentences about URL parts that were ignored. */
  problems: string[];
  /** Set when the URL carried an "add filter" form submission: the canonical URL to redirect to. */
  canonicalSearch: string | null;
}

export function parseView(
  params: URLSearchParams,
  model: ExplorerModel,
  modelByName: (name: string) => ExplorerModel | undefined,
): ParsedView {
  const problems: string[] = [];
  const filters: Filter[] = [];
  const addFilter = (key: string, value: string) => {
    const parsed = parseFilterKey(key);
    const column = parsed && filterColumn(model, parsed, modelByName);
    if (!parsed || !column) return problems.push(`Ignored filter ${key}: no such column.`);
    const problem = filterValueProblem(column, parsed.op, value);
    if (problem) return problems.push(`Ignored filter: ${problem}`);
    filters.push({ ...parsed, value });
  };
  for (const [key, value] of params) {
    if (key.includes(".") && !RESERVED.has(key)) addFilter(key, value);
  }

  const sortParam = params.get("sort");
  const sortColumn = sortParam ? columnOf(model, sortParam) : undefined;
  if (sortParam && !isSortable(sortColumn)) problems.push(`Cannot sort by ${sortParam}; showing the default order.`);
  const requestedSize = Number(params.get("size") ?? DEFAULT_PAGE_SIZE);
  const visible = params.getAll("col").filter((name) => columnOf(model, name));

  const view: ViewState = {
    sort: isSortable(sortColumn) ? sortColumn!.name : null,
    dir: params.get("dir") === "desc" ? "desc" : "asc",
    filters,
    search: (params.get("q") ?? "").trim().slice(0, 200),
    visible: visible.length ? visible : null,
    after: params.get("after"),
    before: params.get("before"),
    page: Math.max(1, Math.floor(Number(params.get("page")) || 1)),
    pageSize:
      Number.isInteger(requestedSize) && requestedSize > 0 ? Math.min(requestedSize, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE,
  };

  let canonicalSearch: string | null = null;
  const addField = params.get(ADD_FIELD);
  if (addField !== null) {
    const before = filters.length;
    addFilter(`${addField}.${params.get(ADD_OP) ?? ""}`, params.get(ADD_VALUE) ?? "");
    if (filters.length > before) view.after = view.before = null;
    view.page = 1;
    canonicalSearch = viewSearchParams(view).toString();
  }
  return { view, problems, canonicalSearch };
}

export function isSortable(column: ExplorerColumn | undefined): boolean {
  return !!column && !column.masked && column.kind !== "json" && column.kind !== "bytes";
}

export function viewSearchParams(view: ViewState): URLSearchParams {
  const params = new URLSearchParams();
  if (view.sort) params.set("sort", view.sort);
  if (view.sort && view.dir === "desc") params.set("dir", "desc");
  if (view.search) params.set("q", view.search);
  for (const filter of view.filters) params.append(filterKey(filter), filter.value);
  for (const name of view.visible ?? []) params.append("col", name);
  if (view.pageSize !== DEFAULT_PAGE_SIZE) params.set("size", String(view.pageSize));
  if (view.after) params.set("after", view.after);
  if (view.before) params.set("before", view.before);
  if (view.page > 1) params.set("page", String(view.page));
  return params;
}

/** A copy of the view moved back to its first page (any change of filter, sort or search). */
export function firstPage(view: ViewState): ViewState {
  return { ...view, after: null, before: null, page: 1 };
}

export const ADD_FILTER_PARAMS = { field: ADD_FIELD, op: ADD_OP, value: ADD_VALUE } as const;
