import { Link } from "@remix-run/react";
import { bytesLabel, jsonPreview, prettyJson } from "~/explorer/format";
import { Identifier } from "~/components/Identifier";
import type { CellValue, ExplorerColumn } from "~/explorer/types";
import { Time } from "../Time";

const SHORT_TEXT = 80;

function LongText({ text, fullLength, fullHref }: { text: string; fullLength: number; fullHref?: string }) {
  return (
    <details className="explorer-expand">
      <summary>
        {text.slice(0, SHORT_TEXT)}… <span className="muted">({fullLength} chars)</span>
      </summary>
      <div className="explorer-longtext">{text}</div>
      {fullLength > text.length && fullHref ? <Link to={fullHref}>Whole value on the row page</Link> : null}
    </details>
  );
}

const IDENTIFIER = /^\S{12,}$/;

export function Cell({
  column,
  value,
  href,
  rowHref,
}: {
  column: ExplorerColumn;
  value: CellValue;
  href?: string;
  rowHref?: string;
}) {
  if (value === null) return <span className="muted">null</span>;
  if (typeof value === "object") {
    if ("masked" in value)
      return (
        <span className="explorer-masked" title="Masked: the column name says it holds a secret">
          ••••••
        </span>
      );
    if ("bytes" in value) return <span className="mono">{bytesLabel(value.bytes)}</span>;
    if ("json" in value) {
      return (
        <details className="explorer-expand">
          <summary className="mono">{jsonPreview(value.json)}</summary>
          <pre className="explorer-json">{prettyJson(value.json)}</pre>
        </details>
      );
    }
    return <LongText text={value.text} fullLength={value.truncatedFrom} fullHref={rowHref} />;
  }
  if (column.kind === "text" && typeof value === "string" && IDENTIFIER.test(value))
    return <Identifier value={value} label={column.name} href={href} />;
  const content =
    column.kind === "datetime" && typeof value === "string" ? (
      <Time value={value} precision="exact" />
    ) : typeof value === "string" && value.length > SHORT_TEXT ? (
      <LongText text={value} fullLength={value.length} />
    ) : (
      <span className={column.kind === "text" || column.kind === "enum" ? undefined : "mono"}>{String(value)}</span>
    );
  return href ? <Link to={href}>{content}</Link> : content;
}
