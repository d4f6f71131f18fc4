import { Form, Link } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
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

/** Closes a <details> pop-up on Escape (focus back on its summary) and on a click or focus outside it. */
function useDismissable(ref: React.RefObject<HTMLDetailsElement>) {
  useEffect(() => {
    const close = (event: Event) => {
      const details = ref.current;
      if (!details?.open) return;
      if (event instanceof KeyboardEvent) {
        if (event.key !== "Escape") return;
        details.open = false;
        details.querySelector("summary")?.focus();
      } else if (!details.contains(event.target as Node)) {
        details.open = false;
      }
    };
    document.addEventListener("keydown", close);
    document.addEventListener("mousedown", close);
    document.addEventListener("focusin", close);
    return () => {
      document.removeEventListener("keydown", close);
      document.removeEventListener("mousedown", close);
      document.removeEventListener("focusin", close);
    };
  }, [ref]);
}

export function ColumnPicker({ model, view }: { model: ExplorerModel; view: ViewState }) {
  const ref = useRef<HTMLDetailsElement>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  useDismissable(ref);
  return (
    <details className="explorer-columns" ref={ref}>
      <summary>Columns</summary>
      <Form
        method="get"
        onChange={() => setRefusal(null)}
        onSubmit={(event) => {
          // No column at all would show an empty table; the server would read no col as "all columns".
          if (new FormData(event.currentTarget).getAll("col").length === 0) {
            event.preventDefault();
            setRefusal("Keep at least one column visible.");
          }
        }}
      >
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
        {refusal ? (
          <p className="error-text" role="alert">
            {refusal}
          </p>
        ) : null}
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

function ValueInput({ column, op, defaultValue }: { column: ExplorerColumn; op: string; defaultValue?: string }) {
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
      defaultValue={defaultValue}
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
  rejected,
}: {
  model: ExplorerModel;
  related: ExplorerModel[];
  view: ViewState;
  /** A filter the server refused: shown again so it can be corrected (the reason is on the page). */
  rejected: { field: string; op: string; value: string } | null;
}) {
  const fields = filterFields(model, related);
  const [fieldKey, setFieldKey] = useState(rejected?.field ?? fields[0]?.key ?? "");
  const field = fields.find((f) => f.key === fieldKey) ?? fields[0];
  const ops = field ? opsForColumn(field.column) : [];
  const [op, setOp] = useState<string>(rejected?.op ?? ops[0] ?? "is");
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
          <ValueInput
            key={`${field.key}-${currentOp}`}
            column={field.column}
            op={currentOp}
            defaultValue={rejected && rejected.field === field.key ? rejected.value : undefined}
          />
          <button type="submit" className="secondary">
            Add filter
          </button>
        </Form>
      ) : null}
    </div>
  );
}
