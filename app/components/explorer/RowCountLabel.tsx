import type { RowCount } from "~/explorer/types";

export function RowCountLabel({ count }: { count: RowCount | null }) {
  if (!count) return <span className="muted">unknown</span>;
  const value = count.value.toLocaleString("en-US");
  if (count.kind === "exact") return <span>{value}</span>;
  if (count.kind === "atLeast")
    return <span title="Never analysed; more rows than the exact-count limit">&gt; {value}</span>;
  return <span title="Planner estimate (pg_class.reltuples)">≈ {value}</span>;
}
