// The explorer's use cases, one per route: routes parse and authorise, then call these.
import { openExportStream, type ExportFormat } from "./export.server";
import { EXACT_COUNT_LIMIT, listModels, rowCounts } from "./models.server";
import { indexServesSort } from "./order.server";
import { countMatchingRows, queryPage, searchScopeFor, type PageRequest } from "./page.server";
import { ExplorerInputError, ExplorerTimeoutError } from "./pool.server";
import { toManyFilters } from "./relations.server";
import { queryRow, type RowResult } from "./row.server";
import { decodeKeyToken } from "./token.server";
import type { ExplorerModel, MatchCount, ModelLookup, PageResult, RowCount } from "./types";
import { parseView, type ParsedView, type ViewState } from "./view";
import { searchedColumns } from "./where.server";

export async function modelOverview(): Promise<{ model: ExplorerModel; count: RowCount | null }[]> {
  const models = await listModels();
  const counts = await rowCounts(models).catch((error) => {
    if (error instanceof ExplorerTimeoutError) return new Map<string, RowCount>();
    throw error;
  });
  return models.map((model) => ({ model, count: counts.get(model.name) ?? null }));
}

async function modelContext(
  name: string,
): Promise<{ model: ExplorerModel; lookup: ModelLookup; related: ExplorerModel[] } | null> {
  const models = await listModels();
  const model = models.find((m) => m.name === name);
  if (!model) return null;
  const lookup: ModelLookup = (target) => models.find((m) => m.name === target);
  const related = model.relations.map((r) => lookup(r.targetModel)).filter((m): m is ExplorerModel => !!m);
  return { model, lookup, related };
}

/** A page, or the sentence that says why there is none (timeout, or a value PostgreSQL refused). */
async function pageOrReason(
  request: PageRequest,
): Promise<
  { page: PageResult; timeout: null; problem: null } | { page: null; timeout: string | null; problem: string | null }
> {
  try {
    return { page: await queryPage(request), timeout: null, problem: null };
  } catch (error) {
    if (error instanceof ExplorerTimeoutError) return { page: null, timeout: error.message, problem: null };
    if (error instanceof ExplorerInputError) return { page: null, timeout: null, problem: error.message };
    throw error;
  }
}

export type TableView =
  | { kind: "notFound" }
  | { kind: "redirect"; search: string }
  | {
      kind: "table";
      model: ExplorerModel;
      related: ExplorerModel[];
      view: ViewState;
      count: RowCount;
      page: PageResult | null;
      /** Sentences about parts of the URL that could not be honoured: the request was bad (400). */
      problems: string[];
      rejectedFilter: ParsedView["rejectedFilter"];
      /** Rows the filters and search match; null when the view is unfiltered (the table's count applies). */
      matching: MatchCount | null;
      /** Sentences about how this view is served on a large table (unindexed sort, which columns search reads). */
      notices: string[];
      /** A sentence when the query was stopped by the statement timeout. */
      timeout: string | null;
    };

export async function tableView(modelName: string, searchParams: URLSearchParams): Promise<TableView> {
  const context = await modelContext(modelName);
  if (!context) return { kind: "notFound" };
  const { model, lookup, related } = context;
  const parsed: ParsedView = parseView(searchParams, model, lookup);
  if (parsed.canonicalSearch !== null) return { kind: "redirect", search: parsed.canonicalSearch };
  const { view, rejectedFilter } = parsed;
  const count = (await rowCounts([model])).get(model.name)!;
  // Offset paging (with page numbers and exact totals) only where an exact count is cheap.
  const paging = count.kind === "exact" ? "offset" : "keyset";
  const columns = visibleColumns(model, view);
  const { page, timeout, problem } = await pageOrReason({ model, view, paging, lookup, columns });
  const problems = [...parsed.problems, ...(page?.problems ?? []), ...(problem ? [problem] : [])];
  const notices = paging === "keyset" ? largeTableNotices(model, view) : [];
  const matching = await matchCount({ model, view, paging, lookup }, page);
  return { kind: "table", model, related, view, count, page, problems, rejectedFilter, matching, notices, timeout };
}

async function matchCount(request: PageRequest, page: PageResult | null): Promise<MatchCount | null> {
  if (!request.view.filters.length && !request.view.search) return null;
  const counted = page?.matching ?? (page ? await countMatchingRows(request) : null);
  if (counted === null) return { kind: "unknown" };
  return counted > EXACT_COUNT_LIMIT
    ? { kind: "moreThan", value: EXACT_COUNT_LIMIT }
    : { kind: "exact", value: counted };
}

/** What an operator should know about how a large table serves this view. */
function largeTableNotices(model: ExplorerModel, view: ViewState): string[] {
  const notices: string[] = [];
  const sortColumn = view.sort ? model.columns.find((c) => c.name === view.sort) : undefined;
  if (sortColumn && !indexServesSort(sortColumn, view.dir))
    notices.push(
      `No index serves sorting by ${sortColumn.name}${view.dir === "desc" ? " descending" : ""}, so PostgreSQL ` +
        "sorts every matching row: slow on a table this size unless a filter narrows it.",
    );
  if (view.search) {
    const searched = searchedColumns(model, "indexed");
    notices.push(
      searched.some((c) => c.trigramIndexed)
        ? `Search looks in the indexed text columns (${searched.map((c) => c.name).join(", ")}) and enum values.`
        : "No text column of this table has a search index, so the search reads the whole table and may time out.",
    );
  }
  return notices;
}

function visibleColumns(model: ExplorerModel, view: ViewState) {
  return view.visible ? model.columns.filter((c) => view.visible!.includes(c.name)) : model.columns;
}

export const RELATED_PAGE_SIZE = 10;

export type RowView =
  | { kind: "notFound" }
  | { kind: "badRequest"; problem: string }
  | {
      kind: "row";
      model: ExplorerModel;
      pk: string;
      row: RowResult;
      toMany: {
        relation: string;
        targetModel: ExplorerModel;
        filters: [string, string][];
        page: PageResult | null;
        timeout: string | null;
      }[];
      /** Sentences about related-page links that could not be honoured: the request was bad (400). */
      problems: string[];
    };

/** One row, its to-one relations, and one keyset page of each to-many relation (`<relation>.after|before`). */
export async function rowView(modelName: string, pk: string, searchParams: URLSearchParams): Promise<RowView> {
  const context = await modelContext(modelName);
  if (!context) return { kind: "notFound" };
  const { model, lookup } = context;
  const pkColumns = model.primaryKey.map((name) => model.columns.find((c) => c.name === name)!);
  const key = decodeKeyToken(pk, pkColumns);
  if ("problem" in key) return { kind: "badRequest", problem: `This row link is damaged: ${key.problem}` };
  const row = await queryRow(model, key.values, lookup);
  if (!row) return { kind: "notFound" };
  const toMany: Extract<RowView, { kind: "row" }>["toMany"] = [];
  const problems: string[] = [];
  for (const relation of model.relations.filter((r) => r.kind === "toMany")) {
    const target = lookup(relation.targetModel);
    const filters = toManyFilters(model, relation.name, row.cells, key.values);
    if (!target || !filters) continue;
    const view: ViewState = {
      sort: null,
      dir: "asc",
      filters,
      search: "",
      visible: null,
      after: searchParams.get(`${relation.name}.after`),
      before: searchParams.get(`${relation.name}.before`),
      page: 1,
      pageSize: RELATED_PAGE_SIZE,
    };
    const { page, timeout, problem } = await pageOrReason({ model: target, view, paging: "keyset", lookup });
    problems.push(...(page?.problems ?? []), ...(problem ? [problem] : []));
    const pairs = filters.map((f): [string, string] => [f.field, f.value]);
    toMany.push({ relation: relation.name, targetModel: target, filters: pairs, page, timeout });
  }
  return { kind: "row", model, pk, row, toMany, problems };
}

export type ExportView =
  | { kind: "notFound" }
  | { kind: "badRequest"; problems: string[] }
  | { kind: "export"; stream: ReadableStream<Uint8Array>; filename: string };

/** The view's rows (all pages, view order) as a stream; a view with problems is refused, not half-exported. */
export async function exportView(
  modelName: string,
  searchParams: URLSearchParams,
  format: ExportFormat,
  signal?: AbortSignal,
): Promise<ExportView> {
  const context = await modelContext(modelName);
  if (!context) return { kind: "notFound" };
  const { model, lookup } = context;
  const { view, problems } = parseView(searchParams, model, lookup);
  if (problems.length) return { kind: "badRequest", problems };
  const count = (await rowCounts([model])).get(model.name)!;
  const searchScope = searchScopeFor(count.kind === "exact" ? "offset" : "keyset");
  try {
    const columns = visibleColumns(model, view);
    const stream = await openExportStream({ model, view, lookup, format, columns, searchScope, signal });
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    return { kind: "export", stream, filename: `${model.name}-${stamp}.${format}` };
  } catch (error) {
    if (error instanceof ExplorerInputError) return { kind: "badRequest", problems: [error.message] };
    throw error;
  }
}
