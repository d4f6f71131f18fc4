import { billingFieldFor } from "./billing-csv";
import { INTERVAL_CSV_HEADER } from "./interval-csv";

export type SmtFileKind = "interval-csv" | "interval-json" | "billing-csv" | "zip" | "unknown";

export interface SmtFileDetection {
  /** Decided by content; the name only decides when the content says nothing (an empty head). */
  kind: SmtFileKind;
  /** What the name alone suggests. */
  kindByName: SmtFileKind;
  /** A sentence for the operator: what the file is, or what was expected (HTTP 422 for `unknown`). */
  reason: string;
}

const EXPECTED =
  "Expected an SMT 15-minute interval CSV (IntervalData.csv, IntervalMeterUsage…EML.CSV), an SMT interval JSON " +
  "payload, a billing or daily-read CSV with ESIID and date columns, or a ZIP of those.";

const KIND_LABEL: Record<SmtFileKind, string> = {
  "interval-csv": "an SMT 15-minute interval CSV",
  "interval-json": "an SMT interval JSON payload",
  "billing-csv": "a billing or daily-read CSV",
  zip: "a ZIP archive",
  unknown: "no known SMT file",
};

/** What the file name says, following SMT's naming (spec §1.1, §2.2, §3.1). */
export function kindFromName(fileName: string): SmtFileKind {
  const name = fileName.split(/[\\/]/).pop() ?? "";
  if (/\.zip$/i.test(name)) return "zip";
  if (/\.json$/i.test(name)) return "interval-json";
  if (/^IntervalData.*\.csv$/i.test(name) || /^IntervalMeterUsage.*\.csv$/i.test(name)) return "interval-csv";
  // SFTP bundles are named DailyMeterUsage….CSV.<DUNS>[.asc] but hold a ZIP.
  if (/^DailyMeterUsage.*\.csv\.\d+$/i.test(name)) return "zip";
  if (/^DailyMeterUsage.*\.csv$/i.test(name) || /MonthlyBilling/i.test(name)) return "billing-csv";
  return "unknown";
}

/** Decides what a file is from its name and its first bytes (about 4 KB is plenty). Content wins over the name. */
export function detectSmtFile(fileName: string, head: Buffer): SmtFileDetection {
  const kindByName = kindFromName(fileName);
  const byContent = kindFromContent(head);
  if (byContent === null) {
    return kindByName === "unknown"
      ? { kind: "unknown", kindByName, reason: `The file is empty. ${EXPECTED}` }
      : { kind: kindByName, kindByName, reason: `The file is empty; its name suggests ${KIND_LABEL[kindByName]}.` };
  }
  const { kind, reason } = byContent;
  const nameNote =
    kindByName !== "unknown" && kindByName !== kind
      ? ` Its name suggests ${KIND_LABEL[kindByName]}, but the content decides.`
      : "";
  return { kind, kindByName, reason: reason + nameNote };
}

/** The first line break is a CR with no LF after it (a CR as the head's last byte says nothing yet). */
function endsLinesWithBareCr(text: string): boolean {
  const breakAt = text.search(/[\r\n]/);
  return breakAt >= 0 && breakAt < text.length - 1 && text[breakAt] === "\r" && text[breakAt + 1] !== "\n";
}

function kindFromContent(head: Buffer): { kind: SmtFileKind; reason: string } | null {
  if (head.length === 0) return null;
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 0x03 || head[2] === 0x05)) {
    return { kind: "zip", reason: "The file is a ZIP archive; its CSV entries are read one by one." };
  }
  const text = head.toString("utf8").replace(/^\uFEFF/, "");
  if (text.startsWith("-----BEGIN PGP")) {
    return {
      kind: "unknown",
      reason:
        "The file is PGP-encrypted (an SMT SFTP delivery). Decrypt it with the CSP's key (gpg -d) and upload the ZIP inside.",
    };
  }
  if (head[0] === 0x1f && head[1] === 0x8b)
    return { kind: "unknown", reason: `The file is gzip-compressed; unpack it first. ${EXPECTED}` };
  if (head.includes(0)) return { kind: "unknown", reason: `The file is binary, not text. ${EXPECTED}` };

  const trimmed = text.trimStart();
  if (endsLinesWithBareCr(trimmed)) {
    return {
      kind: "unknown",
      reason:
        "The file's lines end in a bare CR (classic Mac line endings), so it reads as one line. " +
        "Save it again with LF or CRLF line endings.",
    };
  }
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    return trimmed.includes('"energyData"')
      ? { kind: "interval-json", reason: "The file is an SMT interval JSON payload (energyData)." }
      : { kind: "unknown", reason: `The file is JSON but has no energyData list. ${EXPECTED}` };
  }

  const headerLine = trimmed.split(/\r?\n/)[0];
  const delimiter = [",", ";", "\t", "|"].find((candidate) => headerLine.includes(candidate)) ?? ",";
  const headers = headerLine.split(delimiter).map((name) => name.trim().replace(/^"(.*)"$/, "$1"));
  const upper = headers.map((name) => name.toUpperCase());
  if (INTERVAL_CSV_HEADER.every((name) => upper.includes(name))) {
    return { kind: "interval-csv", reason: "The file is an SMT 15-minute interval CSV." };
  }
  const fields = new Set(headers.map(billingFieldFor));
  if (fields.has("esiid") && (fields.has("readStart") || fields.has("readEnd") || fields.has("readDate"))) {
    return { kind: "billing-csv", reason: "The file is a billing or daily-read CSV (it has ESIID and date columns)." };
  }
  const shown = headerLine.length > 120 ? `${headerLine.slice(0, 120)}…` : headerLine;
  return { kind: "unknown", reason: `The first line ("${shown}") is not a header this portal reads. ${EXPECTED}` };
}
