import type { MatchCount, RowCount } from "~/explorer/types";

/** Above this many rows the download asks first: a million rows is tens of megabytes. */
export const EXPORT_CONFIRM_ROWS = 100_000;

/** The number of rows an export of this view will write, as far as it is known. */
function exportEstimate(count: RowCount, matching: MatchCount | null): { label: string; rows: number | null } {
  if (!matching) {
    const value = count.value.toLocaleString("en-US");
    return {
      label: count.kind === "exact" ? value : count.kind === "atLeast" ? `> ${value}` : `≈ ${value}`,
      rows: count.value,
    };
  }
  if (matching.kind === "exact") return { label: matching.value.toLocaleString("en-US"), rows: matching.value };
  if (matching.kind === "moreThan") return { label: `> ${matching.value.toLocaleString("en-US")}`, rows: null };
  return { label: "unknown number of", rows: null };
}

export function ExportLinks({
  href,
  count,
  matching,
}: {
  href: (format: string) => string;
  count: RowCount;
  matching: MatchCount | null;
}) {
  const estimate = exportEstimate(count, matching);
  // An unknown count on a big table may be the whole table: ask then too.
  const large = estimate.rows === null ? count.value > EXPORT_CONFIRM_ROWS : estimate.rows > EXPORT_CONFIRM_ROWS;
  const confirmLarge = (event: React.MouseEvent) => {
    if (large && !window.confirm(`Export ${estimate.label} rows? A large export takes a while and many megabytes.`))
      event.preventDefault();
  };
  return (
    <span className="row explorer-export">
      {["csv", "json"].map((format) => (
        <a key={format} className="button secondary" href={href(format)} download onClick={confirmLarge}>
          Export {format.toUpperCase()} <span className="explorer-export-rows">({estimate.label} rows)</span>
        </a>
      ))}
    </span>
  );
}
