import { formatBytes } from "~/format/bytes";
import { timeLabels } from "~/format/time";
import type { CellValue, ColumnKind } from "./types";

/** "2026-03-08T07:15:00.5Z" → "2026-03-08 07:15:00.5 UTC": the stored instant, written out exactly. */
export function utcLabel(iso: string): string {
  return timeLabels(iso, { precision: "exact" })?.utc ?? iso;
}

export function bytesLabel(bytes: { size: number; hexPreview: string }): string {
  const shown = bytes.hexPreview.length / 2;
  return `${formatBytes(bytes.size)} · 0x${bytes.hexPreview}${bytes.size > shown ? "…" : ""}`;
}

/**
 * Indents JSON text without parsing it, so numbers beyond 2^53 and exact decimals are shown as stored.
 */
export function prettyJson(text: string, indent = "  "): string {
  let out = "";
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      out += ch;
      if (ch === "\\") out += text[++i] ?? "";
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch === "{" || ch === "[") {
      const close = ch === "{" ? "}" : "]";
      let j = i + 1;
      while (text[j] === " ") j++;
      if (text[j] === close) {
        out += ch + close;
        i = j;
        continue;
      }
      depth++;
      out += ch + "\n" + indent.repeat(depth);
    } else if (ch === "}" || ch === "]") {
      depth--;
      out += "\n" + indent.repeat(depth) + ch;
    } else if (ch === ",") {
      out += ",\n" + indent.repeat(depth);
    } else if (ch === ":") {
      out += ": ";
    } else if (ch !== " " && ch !== "\n" && ch !== "\t" && ch !== "\r") {
      out += ch;
    }
  }
  return out;
}

/** A one-line preview of JSON text. */
export function jsonPreview(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Plain text for a cell, for titles, copy and tests. Types stay exact: no Number() on BigInt or Decimal. */
export function cellText(kind: ColumnKind, value: CellValue): string {
  if (value === null) return "null";
  if (typeof value === "object") {
    if ("masked" in value) return "•••••• (masked)";
    if ("bytes" in value) return bytesLabel(value.bytes);
    if ("json" in value) return value.json;
    return `${value.text}… (${value.truncatedFrom} characters)`;
  }
  if (kind === "datetime" && typeof value === "string") return utcLabel(value);
  return String(value);
}
