// The explorer's use cases, one per route: routes parse and authorise, then call these.
import { openExportStream, type ExportFormat } from "./export.server";
import { listModels, rowCounts } from "./models.server";
import { ExplorerTimeoutError } from "./pool.server";
import { queryPage } from "./page.server";
import { toManyFilters } from "./relations.server";
import { queryRow, type RowResult } from "./row.server";
import { decodeToken } from "./token.server";
import type { ExplorerModel, ModelLookup, PageResult, RowCount } from "./types";
import { parseView, type ParsedView, type ViewState } from "./view";

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
      problems: string[];
      /** A sentence when the query was stopped by the statement timeout. */
      timeout: string | null;
    };

export async function tableView(modelName: string, searchParams: URLSearchParams): Promise<TableView> {
  const context = await modelContext(modelName);
  if (!context) return { kind: "notFound" };
  const { model, lookup, related } = context;
  const parsed: ParsedView = parseView(searchParams, model, lookup);
  if (parsed.canonicalSearch !== null) return { kind: "redirect", search: parsed.canonicalSearch };
  const { view } = parsed;
  const count = (await rowCounts([model])).get(model.name)!;
  // Offset paging (with page numbers and exact totals) only where an exact count is cheap.
  const paging = count.kind === "exact" ? "offset" : "keyset";
  const columns = view.visible ? model.columns.filter((c) => view.visible!.includes(c.name)) : model.columns;
  try {
    const page = await queryPage({ model, view, paging, lookup, columns });
    return {
      kind: "table",
      model,
      related,
      view,
      count,
      page,
      problems: [...parsed.problems, ...page.problems],
      timeout: null,
    };
  } catch (error) {
    if (!(error instanceof ExplorerTimeoutError)) throw error;
    return {
      kind: "table",
      model,
      related,
      view,
      count,
      page: null,
      problems: parsed.problems,
      timeout: error.message,
    };
  }
}

export const RELATED_PAGE_SIZE = 10;

export type RowView =
  | { kind: "notFound" }
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
    };

/** One row, its to-one relations, and one keyset page of each to-many relation (`<relation>.after|before`). */
export async function rowView(modelName: string, pk: string, searchParams: URLSearchParams): Promise<RowView> {
  const context = await modelContext(modelName);
  if (!context) return { kind: "notFound" };
  const { model, lookup } = context;
  const row = await queryRow(model, pk, lookup);
  if (!row) return { kind: "notFound" };
  const pkValues = decodeToken(pk, model.primaryKey.length)!;
  const toMany: Extract<RowView, { kind: "row" }>["toMany"] = [];
  for (const relation of model.relations.filter((r) => r.kind === "toMany")) {
    const target = lookup(relation.targetModel);
    const filters = toManyFilters(model, relation.name, row.cells, pkValues);
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
    const entry = {
      relation: relation.name,
      targetModel: target,
      filters: filters.map((f): [string, string] => [f.field, f.value]),
    };
    try {
      toMany.push({
        ...entry,
        page: await queryPage({ model: target, view, paging: "keyset", lookup }),
        timeout: null,
      });
    } catch (error) {
      if (!(error instanceof ExplorerTimeoutError)) throw error;
      toMany.push({ ...entry, page: null, timeout: error.message });
    }
  }
  return { kind: "row", model, pk, row, toMany };
}

/** The view's rows (all pages, view order) as a stream; null when the model does not exist. */
export async function exportView(
  modelName: string,
  searchParams: URLSearchParams,
  format: ExportFormat,
): Promise<{ stream: ReadableStream<Uint8Array>; filename: string } | null> {
  const context = await modelContext(modelName);
  if (!context) return null;
  const { model, lookup } = context;
  const { view } = parseView(searchParams, model, lookup);
  const columns = view.visible ? model.columns.filter((c) => view.visible!.includes(c.name)) : model.columns;
  const stream = await openExportStream({ model, view, lookup, format, columns });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return { stream, filename: `${model.name}-${stamp}.${format}` };
}
