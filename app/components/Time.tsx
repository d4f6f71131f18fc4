import { timeLabels, type Instant, type TimeOptions } from "~/format/time";

/** Every time on every page: Chicago with CST/CDT, the UTC value on hover and focus. */
export function Time({ value, precision }: { value: Instant | null | undefined } & TimeOptions) {
  const labels = timeLabels(value, { precision });
  if (!labels) return <span className="muted">—</span>;
  return (
    <time dateTime={labels.iso} title={labels.utc} className="nowrap">
      {labels.central}
    </time>
  );
}
