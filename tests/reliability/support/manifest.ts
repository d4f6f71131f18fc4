import { readFileSync } from "node:fs";
import path from "node:path";

export const BAD_DIR = path.resolve(__dirname, "../../fixtures/bad");

export interface BadCase {
  /** File under tests/fixtures/bad/, or `gen:<name>` for one built by tests/fixtures/bad/generate.ts. */
  file: string;
  /** The HTTP status the portal must answer (ERCOT cases: the ErcotIngest status). */
  status: string;
  /** Words the answer's message must contain (case-insensitive). */
  answer: string;
  /** The issue-9 item this case waits for, or "-". */
  waitsFor: string;
  what: string;
}

/** tests/fixtures/bad/manifest.tsv: one line per file, tab-separated; `#` lines are comments. */
export function readManifest(): BadCase[] {
  return readFileSync(path.join(BAD_DIR, "manifest.tsv"), "utf8")
    .split("\n")
    .filter((line) => line.trim() && !line.startsWith("#"))
    .map((line, index) => {
      const [file, status, answer, waitsFor, what] = line.split("\t");
      if (!what) throw new Error(`manifest.tsv line ${index + 1} needs 5 tab-separated fields: ${line}`);
      return { file, status, answer, waitsFor, what };
    });
}
