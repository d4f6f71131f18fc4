import { Link } from "@remix-run/react";
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
  type VisibilityState,
} from "@tanstack/react-table";
import { useMemo } from "react";
import { Cell } from "~/components/explorer/Cell";
import type { ExplorerModel, PageRow, RelationLink } from "~/explorer/types";
import { isSortable } from "~/explorer/view";

export function relationHref(link: RelationLink): string {
  if (link.pk) return `/admin/database/${link.model}/row?pk=${link.pk}`;
  const params = new URLSearchParams(link.filters.map(([field, value]) => [`${field}.eq`, value]));
  return `/admin/database/${link.model}?${params}`;
}

export function rowHref(model: string, pk: string): string {
  return `/admin/database/${model}/row?pk=${pk}`;
}

interface DataTableProps {
  model: ExplorerModel;
  rows: PageRow[];
  /** Visible column names; null shows all. */
  visible: string[] | null;
  sort?: { column: string | null; dir: "asc" | "desc"; href: (column: string) => string };
  /** True while the next page or order is loading: the rows shown are about to change. */
  pending?: boolean;
}

const columnHelper = createColumnHelper<PageRow>();

function ariaSort(sort: DataTableProps["sort"], column: string): "ascending" | "descending" | undefined {
  if (!sort || sort.column !== column) return undefined;
  return sort.dir === "asc" ? "ascending" : "descending";
}

/**
 * Server-driven table: sorting, paging and filtering happen in SQL, so the table model runs in
 * manual mode and only renders the page it was given.
 */
export function DataTable({ model, rows, visible, sort, pending = false }: DataTableProps) {
  const columns = useMemo(
    () => [
      columnHelper.display({
        id: "__open",
        header: () => <span className="muted">row</span>,
        cell: ({ row }) => (
          <Link to={rowHref(model.name, row.original.pk)} aria-label="Open row" className="explorer-open">
            open
          </Link>
        ),
      }),
      ...model.columns.map((column) =>
        columnHelper.accessor((row) => row.cells[column.name], {
          id: column.name,
          enableSorting: isSortable(column),
          header: () => {
            const active = sort?.column === column.name;
            const label = (
              <>
                {column.name}
                {active ? (sort!.dir === "asc" ? " ▲" : " ▼") : ""}
              </>
            );
            return sort && isSortable(column) ? (
              <Link to={sort.href(column.name)} className="explorer-sort">
                {label}
              </Link>
            ) : (
              label
            );
          },
          cell: ({ row, getValue }) => {
            const link = row.original.links[column.name];
            return (
              <Cell
                column={column}
                value={getValue() ?? null}
                href={link ? relationHref(link) : undefined}
                rowHref={rowHref(model.name, row.original.pk)}
              />
            );
          },
        }),
      ),
    ],
    [model, sort],
  );
  const columnVisibility: VisibilityState = useMemo(
    () => Object.fromEntries(model.columns.map((c) => [c.name, !visible || visible.includes(c.name)])),
    [model, visible],
  );
  const table = useReactTable({
    data: rows,
    columns,
    state: { columnVisibility },
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => row.pk,
    manualSorting: true,
    manualPagination: true,
    manualFiltering: true,
  });

  return (
    // Scrolls on its own (keyboard too), so a wide table never widens the page.
    // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
    <div className="explorer-scroll" tabIndex={0} role="region" aria-label={`${model.name} rows`} aria-busy={pending}>
      <table className={`data explorer-table${pending ? " explorer-pending" : ""}`}>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col" aria-sort={ariaSort(sort, header.column.id)}>
                  {flexRender(header.column.columnDef.header, header.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
              ))}
            </tr>
          ))}
          {rows.length === 0 ? (
            <tr>
              <td colSpan={table.getVisibleLeafColumns().length} className="muted">
                No rows match this view.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
