import type { Readable } from "node:stream";
import {
  centralWallClockToDate,
  constructedNameStamp,
  toCentralWallClock,
} from "../../../app/ercot/sources/central-time";
import { csvStream, type CsvLayout, type CsvSpec } from "./csv";
import { zipSize, zipStream, type ZipEntrySpec } from "./zip";

export type FakeDocumentKind = "DAILY" | "FUL";

export interface FakeDocument {
  docId: string;
  friendlyName: string;
  tdsp: string;
  kind: FakeDocumentKind;
  publishedAt: Date;
  constructedName: string;
  /** Exact zip size in bytes (ContentSize, Content-Length). */
  contentSize: number;
  csvFileName: string;
  csv: CsvSpec;
  /** Zip entry time; a same-bytes repost keeps the original's. */
  zipMtime: Date;
}

export interface PublishSpec {
  tdsp: string;
  kind?: FakeDocumentKind;
  publishedAt: Date;
  docId?: string;
  /** Uncompressed CSV size (the zip adds about 150 bytes). */
  csvBytes?: number;
  seed?: number;
  layout?: CsvLayout;
  lineEnding?: "\n" | "\r\n";
}

export const DEFAULT_TDSPS = ["ONCOR_ELEC", "CENTERPOINT", "LUBBOCK", "AEP_CENTRAL", "TNMP"] as const;
const DEFAULT_DAILY_BYTES: Record<string, number> = {
  ONCOR_ELEC: 16_000,
  CENTERPOINT: 12_000,
  LUBBOCK: 3_000,
  AEP_CENTRAL: 6_000,
  TNMP: 4_000,
};
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

export function friendlyName(tdsp: string, kind: FakeDocumentKind): string {
  return `${tdsp.padEnd(12, "_")}_${kind}`;
}

function csvFileName(name: string, publishedAt: Date): string {
  const wall = toCentralWallClock(publishedAt);
  return `${name}-REPORTS-${String(wall.day).padStart(2, "0")}-${MONTHS[wall.month - 1]}-${String(wall.year % 100).padStart(2, "0")}.csv`;
}

export function zipEntries(document: FakeDocument): ZipEntrySpec[] {
  return [
    {
      name: document.csvFileName,
      size: document.csv.bytes,
      mtime: document.zipMtime,
      open: () => csvStream(document.csv),
    },
  ];
}

export function documentZipStream(document: FakeDocument): Readable {
  return zipStream(zipEntries(document));
}

function hashSeed(text: string, base: number): number {
  let hash = base >>> 0;
  for (const character of text) hash = Math.imul(hash ^ character.charCodeAt(0), 16777619) >>> 0;
  return hash;
}

/** What the fake publishes, newest first by DocID like MIS. */
export class Publication {
  private entries: FakeDocument[] = [];
  private nextDocId = 1_234_250_000;

  constructor(private readonly baseSeed: number) {}

  get documents(): readonly FakeDocument[] {
    return this.entries;
  }

  find(docId: string): FakeDocument | undefined {
    return this.entries.find((document) => document.docId === docId);
  }

  clear(): void {
    this.entries = [];
  }

  publish(spec: PublishSpec): FakeDocument {
    const kind = spec.kind ?? "DAILY";
    const name = friendlyName(spec.tdsp, kind);
    const docId = spec.docId ?? String(this.nextDocId++);
    if (Number(docId) >= this.nextDocId) this.nextDocId = Number(docId) + 1;
    const stamp = constructedNameStamp(spec.publishedAt);
    const csv: CsvSpec = {
      tdsp: spec.tdsp,
      seed: spec.seed ?? hashSeed(`${name}:${stamp.date}`, this.baseSeed),
      bytes: spec.csvBytes ?? (kind === "FUL" ? 4 : 1) * (DEFAULT_DAILY_BYTES[spec.tdsp] ?? 5_000),
      layout: spec.layout ?? 22,
      lineEnding: spec.lineEnding ?? "\n",
      kind,
    };
    return this.add({
      docId,
      friendlyName: name,
      tdsp: spec.tdsp,
      kind,
      publishedAt: spec.publishedAt,
      constructedName: `ext.00000203.0000000000000000.${stamp.date}.${stamp.time}.${name}.zip`,
      contentSize: 0,
      csvFileName: csvFileName(name, spec.publishedAt),
      csv,
      zipMtime: new Date(Math.floor(spec.publishedAt.getTime() / 1000) * 1000),
    });
  }

  /** ERCOT's "rerun and reposted": the same FriendlyName under a new DocID, with the same or new bytes. */
  repost(docId: string, options: { sameBytes: boolean; publishedAt?: Date }): FakeDocument {
    const original = this.find(docId);
    if (!original) throw new Error(`No document ${docId} to repost.`);
    const publishedAt = options.publishedAt ?? new Date(original.publishedAt.getTime() + 3 * 3600_000 + 417);
    const stamp = constructedNameStamp(publishedAt);
    return this.add({
      ...original,
      docId: String(this.nextDocId++),
      publishedAt,
      constructedName: `ext.00000203.0000000000000000.${stamp.date}.${stamp.time}.${original.friendlyName}.zip`,
      csv: options.sameBytes ? original.csv : { ...original.csv, seed: original.csv.seed + 1 },
      zipMtime: options.sameBytes ? original.zipMtime : new Date(Math.floor(publishedAt.getTime() / 1000) * 1000),
    });
  }

  private add(document: FakeDocument): FakeDocument {
    document.contentSize = zipSize(zipEntries(document));
    this.entries.push(document);
    this.entries.sort((a, b) => Number(b.docId) - Number(a.docId));
    return document;
  }
}

/** `2026-06-03` plus a Central wall time → instant. */
export function centralInstant(date: string, hour: number, minute: number, second: number, millisecond = 0): Date {
  const [year, month, day] = date.split("-").map(Number);
  return centralWallClockToDate({ year, month, day, hour, minute, second, millisecond });
}

function addDays(date: string, days: number): string {
  const instant = new Date(`${date}T12:00:00Z`);
  instant.setUTCDate(instant.getUTCDate() + days);
  return instant.toISOString().slice(0, 10);
}

function firstMondayOfMonth(date: string): string {
  const first = new Date(`${date.slice(0, 7)}-01T12:00:00Z`);
  const offset = (8 - first.getUTCDay()) % 7;
  first.setUTCDate(1 + offset);
  return first.toISOString().slice(0, 10);
}

const DAILY_RUN_SECONDS = [
  [5, 52, 19],
  [5, 47, 40],
  [5, 58, 32],
  [5, 39, 54],
  [5, 55, 28],
] as const;

/**
 * A realistic month-start: one DAILY per TDSP for each of the last `days` days (one shared PublishDate
 * second per run, milliseconds apart in ConstructedName), plus the FUL set on the month's first Monday at 18:11.
 */
export function publishDefaultSet(
  publication: Publication,
  options: { today: string; days: number; tdsps: readonly string[] },
): void {
  const fulDay = firstMondayOfMonth(options.today);
  for (let back = options.days - 1; back >= 0; back--) {
    const day = addDays(options.today, -back);
    const [hour, minute, second] = DAILY_RUN_SECONDS[back % DAILY_RUN_SECONDS.length];
    options.tdsps.forEach((tdsp, index) => {
      publication.publish({
        tdsp,
        kind: "DAILY",
        publishedAt: centralInstant(day, hour, minute, second, 164 + index * 57),
      });
    });
    if (day === fulDay) {
      options.tdsps.forEach((tdsp, index) => {
        publication.publish({ tdsp, kind: "FUL", publishedAt: centralInstant(day, 18, 11, 39, 120 + index * 61) });
      });
    }
  }
}

export { addDays };
