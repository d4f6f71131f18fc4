import { Form, Link } from "@remix-run/react";
import { useState } from "react";
import type { ExplorerColumn, ExplorerModel } from "~/explorer/types";
import {
  ADD_FILTER_PARAMS,
  filterKey,
  OP_LABELS,
  opsForColumn,
  viewSearchParams,
  type Filter,
  type ViewState,
} from "~/explorer/view";

/** Hidden inputs that carry the rest of the view through a GET form. */
export function HiddenView({ params, except }: { params: URLSearchParams; except: string[] }) {
  return (
    <>
      {[...params]
        .filter(([key]) => !except.includes(key))
        .map(([key, value], i) => (
          <input key={`${key}-${i}`} type="hidden" name={key} value={value} />
        ))}
    </>
  );
}

const PAGING_KEYS = ["after", "before", "page"];

export function SearchForm({ view }: { view: ViewState }) {
  return (
    <Form method="get" className="row" role="search">
      <HiddenView params={viewSearchParams(view)} except={["q", ...PAGING_KEYS]} />
      <input
        type="search"
        name="q"
        defaultValue={view.search}
        placeholder="Search text columns"
        aria-label="Search text columns"
      />
      <button type="submit" className="secondary">
        Search
      </button>
    </Form>
  );
}

export function ColumnPicker({ model, view }: { model: ExplorerModel; view: ViewState }) {
  return (
    <details className="explorer-columns">
      <summary>Columns</summary>
      <Form method="get">
        <HiddenView params={viewSearchParams(view)} except={["col", ...PAGING_KEYS]} />
        {model.columns.map((column) => (
          <label key={column.name} className="explorer-check">
            <input
              type="checkbox"
              name="col"
              value={column.name}
              defaultChecked={!view.visible || view.visible.includes(column.name)}
            />{" "}
            {column.name}
          </label>
        ))}
        <button type="submit" className="secondary">
          Show these columns
        </button>
      </Form>
    </details>
  );
}

interface FilterField {
  key: string;
  label: string;
  column: ExplorerColumn;
}

function filterFields(model: ExplorerModel, related: ExplorerModel[]): FilterField[] {
  const own = model.columns.map((column) => ({ key: column.name, label: column.name, column }));
  const through = model.relations.flatMap((relation) => {
    const target = related.find((m) => m.name === relation.targetModel);
    return (target?.columns ?? []).map((column) => ({
      key: `${relation.name}.${column.name}`,
      label: `${relation.name} → ${column.name}${relation.kind === "toMany" ? " (any)" : ""}`,
      column,
    }));
  });
  return [...own, ...through];
}

function ValueInput({ column, op }: { column: ExplorerColumn; op: string }) {
  if (op === "is") {
    return (
      <select name={ADD_FILTER_PARAMS.value} aria-label="Value">
        <option value="null">null</option>
        <option value="notnull">not null</option>
      </select>
    );
  }
  if (column.kind === "boolean") {
    return (
      <select name={ADD_FILTER_PARAMS.value} aria-label="Value">
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    );
  }
  if (column.kind === "enum") {
    return (
      <select name={ADD_FILTER_PARAMS.value} aria-label="Value">
        {(column.enumValues ?? []).map((value) => (
          <option key={value}>{value}</option>
        ))}
      </select>
    );
  }
  const placeholder =
    column.kind === "datetime" ? "2026-01-31T06:00 (UTC)" : column.kind === "date" ? "2026-01-31" : "value";
  const numeric = ["int", "bigint", "decimal", "float"].includes(column.kind);
  return (
    <input
      name={ADD_FILTER_PARAMS.value}
      aria-label="Value"
      placeholder={placeholder}
      inputMode={numeric ? "decimal" : undefined}
      required
    />
  );
}

function filterValueLabel(filter: Filter): string {
  if (filter.op !== "is") return filter.value;
  return filter.value === "null" ? "null" : "not null";
}

export function FilterBar({
  model,
  related,
  view,
}: {
  model: ExplorerModel;
  related: ExplorerModel[];
  view: ViewState;
}) {
  const fields = filterFields(model, related);
  const [fieldKey, setFieldKey] = useState(fields[0]?.key ?? "");
  const field = fields.find((f) => f.key === fieldKey) ?? fields[0];
  const ops = field ? opsForColumn(field.column) : [];
  const [op, setOp] = useState<string>(ops[0] ?? "is");
  const currentOp = ops.includes(op as never) ? op : ops[0];
  const params = viewSearchParams(view);

  const withoutFilter = (filter: Filter) => {
    const next = viewSearchParams({
      ...view,
      filters: view.filters.filter((f) => f !== filter),
      after: null,
      before: null,
      page: 1,
    });
    return `?${next}`;
  };

  return (
    <div className="explorer-filters">
      {view.filters.length ? (
        <ul className="row explorer-chips" aria-label="Active filters">
          {view.filters.map((filter) => (
            <li key={`${filterKey(filter)}=${filter.value}`} className="explorer-chip">
              <span className="mono">
                {filter.relation ? `${filter.relation} → ` : ""}
                {filter.field}
              </span>{" "}
              {OP_LABELS[filter.op]} <strong>{filterValueLabel(filter)}</strong>{" "}
              <Link to={withoutFilter(filter)} aria-label={`Remove filter on ${filter.field}`}>
                ×
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
      {field ? (
        <Form method="get" className="row" aria-label="Add filter">
          <HiddenView params={params} except={PAGING_KEYS} />
          <select
            name={ADD_FILTER_PARAMS.field}
            aria-label="Filter column"
            value={field.key}
            onChange={(e) => setFieldKey(e.target.value)}
          >
            {fields.map((f) => (
              <option key={f.key} value={f.key}>
                {f.label}
              </option>
            ))}
          </select>
          <select
            name={ADD_FILTER_PARAMS.op}
            aria-label="Filter operator"
            value={currentOp}
            onChange={(e) => setOp(e.target.value)}
          >
            {ops.map((o) => (
              <option key={o} value={o}>
                {OP_LABELS[o]}
              </option>
            ))}
          </select>
          <ValueInput key={`${field.key}-${currentOp}`} column={field.column} op={currentOp} />
          <button type="submit" className="secondary">
            Add filter
          </button>
        </Form>
      ) : null}
    </div>
  );
}
