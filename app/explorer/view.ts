import type { ColumnKind, ExplorerColumn, ExplorerModel } from "./types";
import { textProblem, valueProblem } from "./values";

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

/** Offset paging serves small tables only; a page number beyond this is a typo or a probe. */
export const MAX_PAGE = 100_000;

/** Why a filter value does not fit its column, or null when it does. */
export function filterValueProblem(column: ExplorerColumn, op: FilterOp, value: string): string | null {
  if (!opsForColumn(column).includes(op)) return `"${OP_LABELS[op]}" does not apply to ${column.name}.`;
  if (op === "is") return value === "null" || value === "notnull" ? null : `${column.name}: choose null or not null.`;
  if (op === "contains" || op === "starts")
    return value === "" ? `${column.name}: enter some text.` : textProblem(`${column.name}: text`, value);
  return valueProblem(column, value);
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
  /** Set when the URL carried an accepted "add filter" form submission: the canonical URL to redirect to. */
  canonicalSearch: string | null;
  /** An "add filter" submission that was refused (its reason is in problems), to show again in the form. */
  rejectedFilter: { field: string; op: string; value: string } | null;
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
  const search = (params.get("q") ?? "").trim().slice(0, 200);
  const searchProblem = textProblem("The search text", search);
  if (searchProblem) problems.push(searchProblem);
  const page = wholeNumber(params.get("page"), 1, MAX_PAGE);
  if (page === null) problems.push(`page must be a whole number from 1 to ${MAX_PAGE.toLocaleString("en-US")}.`);
  const pageSize = wholeNumber(params.get("size"), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  if (pageSize === null) problems.push(`size must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  const dir = params.get("dir");
  if (dir !== null && dir !== "asc" && dir !== "desc") problems.push("dir must be asc or desc.");
  const visible = params.getAll("col").filter((name) => columnOf(model, name));

  const view: ViewState = {
    sort: isSortable(sortColumn) ? sortColumn!.name : null,
    dir: dir === "desc" ? "desc" : "asc",
    filters,
    search: searchProblem ? "" : search,
    visible: visible.length ? visible : null,
    after: params.get("after"),
    before: params.get("before"),
    page: page ?? 1,
    pageSize: pageSize ?? DEFAULT_PAGE_SIZE,
  };

  let canonicalSearch: string | null = null;
  const addField = params.get(ADD_FIELD);
  let rejectedFilter: ParsedView["rejectedFilter"] = null;
  if (addField !== null) {
    const added = { field: addField, op: params.get(ADD_OP) ?? "", value: params.get(ADD_VALUE) ?? "" };
    const before = filters.length;
    addFilter(`${added.field}.${added.op}`, added.value);
    if (filters.length > before) {
      // Accepted: redirect to the view's own URL, back on the first page.
      canonicalSearch = viewSearchParams(firstPage(view)).toString();
    } else {
      rejectedFilter = added;
    }
  }
  return { view, problems, canonicalSearch, rejectedFilter };
}

/** The parameter as a whole number from 1 to max; absent means fallback; null when it is anything else. */
function wholeNumber(text: string | null, fallback: number, max: number): number | null {
  if (text === null || text === "") return fallback;
  if (!/^\d{1,9}$/.test(text)) return null;
  const number = Number(text);
  return number >= 1 && number <= max ? number : null;
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
