import { BoundedCache } from "./field-cache";
import type { IssueLog } from "./types";

/** TDSP codes as ERCOT spells them in its ESIID extract names. */
export type Tdsp = "ONCOR_ELEC" | "CENTERPOINT" | "AEP_CENTRAL" | "AEP_NORTH" | "TNMP";

/** Known ESIID layouts (spec §5): "10" + DUNS-derived utility code + a unique number; 17 digits, 22 for CenterPoint. */
const KNOWN_FORMATS: { pattern: RegExp; tdsp: Tdsp }[] = [
  { pattern: /^1044372\d{10}$/, tdsp: "ONCOR_ELEC" },
  // Oncor East Texas, the former SESCO territory.
  { pattern: /^1017699\d{10}$/, tdsp: "ONCOR_ELEC" },
  { pattern: /^1008901\d{15}$/, tdsp: "CENTERPOINT" },
  { pattern: /^1003278\d{10}$/, tdsp: "AEP_CENTRAL" },
  { pattern: /^1020404\d{10}$/, tdsp: "AEP_NORTH" },
  { pattern: /^10400511\d{9}$/, tdsp: "TNMP" },
];

const SCIENTIFIC = /^[+-]?\d+(\.\d+)?e[+-]?\d+$/i;

export type EsiidResult =
  | { ok: true; esiid: string; tdsp: Tdsp | null; knownFormat: boolean }
  | { ok: false; message: string };

/**
 * Cleans an ESIID as SMT and Excel write it (`'10443720…`, `="10443720…"`, spaces) and checks it is digits.
 * An ESIID of digits in no known layout is still accepted (`knownFormat: false`): callers warn, not reject.
 */
export function normalizeEsiid(raw: string): EsiidResult {
  const esiid = raw
    .trim()
    .replace(/^="(.*)"$/, "$1")
    .replace(/^'/, "")
    .trim();
  if (esiid === "") return { ok: false, message: "The ESIID is blank." };
  if (SCIENTIFIC.test(esiid)) {
    return {
      ok: false,
      message:
        `ESIID ${esiid} was turned into a number by a spreadsheet and has lost digits; ` +
        "download the file again and upload it without opening it in Excel (or format the column as text).",
    };
  }
  if (!/^\d+$/.test(esiid)) return { ok: false, message: `ESIID "${esiid}" should contain digits only.` };
  const tdsp = tdspForEsiid(esiid);
  return { ok: true, esiid, tdsp, knownFormat: tdsp !== null };
}

/** The TDSP whose ESIID layout this is, or null when it matches none of the known layouts. */
export function tdspForEsiid(esiid: string): Tdsp | null {
  return KNOWN_FORMATS.find((format) => format.pattern.test(esiid))?.tdsp ?? null;
}

export function unknownEsiidWarning(esiid: string): string {
  return (
    `ESIID ${esiid} (${esiid.length} digits) matches no known TDSP layout ` +
    "(17 digits starting 1044372, 1017699, 1003278, 1020404 or 10400511, or 22 digits starting 1008901); " +
    "its rows were kept, but check that the ESIID was not truncated or given a meter suffix."
  );
}

/** Checks ESIIDs once per distinct text and warns once per ESIID in no known layout. */
export class EsiidReader {
  private readonly seen = new BoundedCache<{ esiid: string } | { message: string }>(10_000);
  /** The line being read, for the warning of an ESIID met for the first time. */
  private line = 0;
  constructor(private readonly issues: IssueLog) {}

  read(raw: string, line: number): { esiid: string } | { message: string } {
    this.line = line;
    return this.seen.get(raw, this.check);
  }

  private readonly check = (raw: string): { esiid: string } | { message: string } => {
    const checked = normalizeEsiid(raw);
    if (!checked.ok) return { message: checked.message };
    if (!checked.knownFormat)
      this.issues.warnOnce(`esiid:${checked.esiid}`, unknownEsiidWarning(checked.esiid), this.line);
    return { esiid: checked.esiid };
  };
}
