import type { MatchCount, RowCount } from "~/explorer/types";

export function RowCountLabel({ count }: { count: RowCount | null }) {
  if (!count) return <span className="muted">unknown</span>;
  const value = count.value.toLocaleString("en-US");
  if (count.kind === "exact") return <span>{value}</span>;
  if (count.kind === "atLeast")
    return <span title="Never analysed; more rows than the exact-count limit">&gt; {value}</span>;
  return <span title="Planner estimate (pg_class.reltuples)">≈ {value}</span>;
}

/** "312 of ≈ 1,003,812 rows match", or that the count is unknown; the table's count when nothing filters it. */
export function ViewCountLabel({ count, matching }: { count: RowCount; matching: MatchCount | null }) {
  if (!matching)
    return (
      <>
        <RowCountLabel count={count} /> rows
      </>
    );
  const of = (
    <>
      of <RowCountLabel count={count} /> rows match
    </>
  );
  if (matching.kind === "exact")
    return (
      <>
        <strong>{matching.value.toLocaleString("en-US")}</strong> {of}
      </>
    );
  if (matching.kind === "moreThan")
    return (
      <>
        <strong>more than {matching.value.toLocaleString("en-US")}</strong> {of}
      </>
    );
  return (
    <>
      <RowCountLabel count={count} /> rows; how many match is unknown (counting took too long)
    </>
  );
}
