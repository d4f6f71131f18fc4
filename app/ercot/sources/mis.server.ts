import { Readable } from "node:stream";
import type { Dispatcher } from "undici";
import * as cheerio from "cheerio";
import { z } from "zod";
import type { ErcotDocument, ErcotDownload, ErcotListing, ErcotSourceName } from "~/ercot/types";
import {
  ErcotHttpError,
  excerpt,
  networkError,
  readText,
  sendRequest,
  statusError,
  withErcotRetry,
  type RedirectPolicy,
  type RetryPolicy,
} from "~/ercot/http.server";
import {
  centralWallClockToDate,
  constructedNameStamp,
  instantFromWallClock,
  parseIsoTimestamp,
  validCentralOffsets,
  type WallClock,
} from "./central-time";

const TDSP_PADDED_WIDTH = 12;
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

export function friendlyNameFor(tdsp: string, kind: ErcotDocument["kind"]): string {
  return `${tdsp.padEnd(TDSP_PADDED_WIDTH, "_")}_${kind}`;
}

/** `AEP_CENTRAL__DAILY` → AEP_CENTRAL/DAILY; long codes are not truncated (`SHARYLAND_MCALLEN_FUL`). */
export function parseFriendlyName(friendlyName: string): { tdsp: string; kind: ErcotDocument["kind"] } | null {
  const match = /^([A-Z0-9][A-Z0-9_]*?)_+(DAILY|FUL)$/i.exec(friendlyName.trim());
  if (!match) return null;
  return { tdsp: match[1].toUpperCase(), kind: match[2].toUpperCase() as ErcotDocument["kind"] };
}

export interface ConstructedNameParts {
  prefix: string;
  reportTypeId: string;
  duns: string;
  /** Central local time, as written in the name. */
  publishedAt: Date;
  friendlyName: string;
  extension: string;
}

/** `{Prefix}.{ReportTypeID:8}.{DUNS:16}.{YYYYMMDD}.{HHMMSSmmm}.{FriendlyName}.{Extension}` */
export function parseConstructedName(name: string): ConstructedNameParts | null {
  const match = /^([a-z]+)\.(\d{8})\.(\d{16})\.(\d{8})\.(\d{6})(\d{3})?\.([^.]+)\.([a-z0-9]+)$/i.exec(name.trim());
  if (!match) return null;
  const [, prefix, reportTypeId, duns, date, time, millis = "000", friendlyName, extension] = match;
  const wall: WallClock = {
    year: Number(date.slice(0, 4)),
    month: Number(date.slice(4, 6)),
    day: Number(date.slice(6, 8)),
    hour: Number(time.slice(0, 2)),
    minute: Number(time.slice(2, 4)),
    second: Number(time.slice(4, 6)),
    millisecond: Number(millis),
  };
  return {
    prefix,
    reportTypeId: String(Number(reportTypeId)),
    duns,
    publishedAt: centralWallClockToDate(wall),
    friendlyName,
    extension,
  };
}

/** For sources that give no ConstructedName (Public API): built from the posting time the way MIS builds it. */
export function constructedNameFor(friendlyName: string, publishedAt: Date, reportTypeId = "203"): string {
  const stamp = constructedNameStamp(publishedAt);
  return `ext.${reportTypeId.padStart(8, "0")}.0000000000000000.${stamp.date}.${stamp.time}.${friendlyName}.zip`;
}

const CENTRAL_OFFSETS = new Set([-300, -360]);

/**
 * PublishDate with its offset. In the repeated fall-back hour ERCOT has been seen to write an offset
 * that does not exist for that wall time (gridstatus re-localizes); such a value is read as Central wall time.
 */
export function parsePublishDate(text: string): Date | null {
  const parsed = parseIsoTimestamp(text);
  if (!parsed) return null;
  const { wall, offsetMinutes } = parsed;
  if (offsetMinutes === null) return centralWallClockToDate(wall);
  if (CENTRAL_OFFSETS.has(offsetMinutes)) {
    const valid = validCentralOffsets(wall);
    if (valid.length > 0 && !valid.includes(offsetMinutes)) return centralWallClockToDate(wall);
  }
  return instantFromWallClock(wall, offsetMinutes);
}

const textField = z.union([z.string(), z.number()]).transform(String);
const misDocumentSchema = z
  .object({
    DocID: textField,
    FriendlyName: textField,
    ConstructedName: textField.optional(),
    PublishDate: textField,
    ContentSize: textField.optional(),
  })
  .passthrough();
const oneOrMany = <T extends z.ZodTypeAny>(schema: T) =>
  z.union([z.array(schema), schema.transform((single) => [single])]);
const misListSchema = z.object({
  ListDocsByRptTypeRes: z
    .object({
      // ERCOT answers an empty report type with `null` or `""` as well as `[]` or no key at all.
      DocumentList: z
        .union([z.null(), z.literal(""), oneOrMany(z.object({ Document: z.unknown() }).passthrough())])
        .optional(),
    })
    .passthrough()
    .optional(),
});

export interface MisListOptions {
  source: ErcotSourceName;
  downloadUrl: (docId: string) => string;
  reportTypeId?: string;
}

/** Newest first: PublishDate, then DocID (one run shares a PublishDate second). */
export function sortNewestFirst(documents: ErcotDocument[]): ErcotDocument[] {
  return documents.sort(
    (a, b) => b.publishedAt.getTime() - a.publishedAt.getTime() || Number(b.docId) - Number(a.docId),
  );
}

/** Lenient reader of the IceDocListJsonWS body: string or numeric fields, one object or an array, no list at all. */
export function parseMisDocumentList(json: unknown, options: MisListOptions): ErcotListing {
  const parsed = misListSchema.safeParse(json);
  if (!parsed.success) {
    throw new ErcotHttpError(
      "ERCOT's document list did not have the expected ListDocsByRptTypeRes shape; the MIS format may have changed.",
      { retryable: false },
    );
  }
  const entries = parsed.data.ListDocsByRptTypeRes?.DocumentList || [];
  const documents: ErcotDocument[] = [];
  const dropped: string[] = [];
  for (const entry of entries) {
    const document = misDocumentSchema.safeParse(entry.Document ?? entry);
    if (!document.success) {
      dropped.push("a list entry without DocID, FriendlyName or PublishDate");
      continue;
    }
    const { DocID, FriendlyName, ConstructedName, PublishDate, ContentSize } = document.data;
    const name = parseFriendlyName(FriendlyName);
    const publishedAt =
      parsePublishDate(PublishDate) ?? (ConstructedName && parseConstructedName(ConstructedName)?.publishedAt);
    if (!name || !publishedAt) {
      dropped.push(`DocID ${DocID} (${FriendlyName}, ${PublishDate})`);
      continue;
    }
    const contentSize = ContentSize !== undefined && /^\d+$/.test(ContentSize.trim()) ? Number(ContentSize) : null;
    documents.push({
      docId: DocID.trim(),
      friendlyName: FriendlyName.trim(),
      tdsp: name.tdsp,
      kind: name.kind,
      constructedName:
        ConstructedName?.trim() || constructedNameFor(FriendlyName.trim(), publishedAt, options.reportTypeId),
      publishedAt,
      contentSize,
      downloadUrl: options.downloadUrl(DocID.trim()),
      source: options.source,
    });
  }
  return { documents: sortNewestFirst(documents), dropped };
}

export function misDownloadUrl(misBaseUrl: string, docId: string): string {
  const url = new URL("/misdownload/servlets/mirDownload", misBaseUrl);
  url.searchParams.set("doclookupId", docId);
  return url.toString();
}

/** An HTML page's title, or a short excerpt of any other body: enough for an operator to recognise it. */
export function htmlTitle(html: string): string {
  const title = cheerio.load(html)("title").first().text().trim();
  return title || excerpt(html, 80);
}

export interface ZipDownloadOptions {
  agent: Dispatcher;
  /** The hosts a redirect may lead to; credentials in `headers` and the agent go only there. */
  redirects: RedirectPolicy;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  retry?: RetryPolicy;
}

/** Reads chunks until `count` bytes are in hand (or the body ends), leaving the iterator positioned after them. */
async function readLeadingBytes(
  iterator: AsyncIterator<Buffer>,
  count: number,
): Promise<{ head: Buffer; ended: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  while (size < count) {
    const next = await iterator.next();
    if (next.done) return { head: Buffer.concat(chunks), ended: true };
    chunks.push(next.value);
    size += next.value.length;
  }
  return { head: Buffer.concat(chunks), ended: false };
}

/**
 * Starts a zip download: checks status, Content-Type and the `PK\x03\x04` magic on the first bytes,
 * then hands back a stream that fails if the byte count disagrees with Content-Length.
 */
export async function downloadZip(document: ErcotDocument, options: ZipDownloadOptions): Promise<ErcotDownload> {
  const action = `download ${document.friendlyName} (DocID ${document.docId})`;
  return withErcotRetry(
    async () => {
      const response = await sendRequest(action, document.downloadUrl, {
        agent: options.agent,
        headers: options.headers,
        signal: options.signal,
        redirects: options.redirects,
      });
      const contentType = String(response.headers["content-type"] ?? "");
      if (response.statusCode !== 200) {
        const text = await readText(response.body, 64 * 1024).catch(() => "");
        throw statusError(action, document.downloadUrl, response.statusCode, text ? htmlTitle(text) : undefined);
      }
      if (/html/i.test(contentType)) {
        const text = await readText(response.body, 64 * 1024).catch(() => "");
        throw new ErcotHttpError(
          `ERCOT returned an HTML page ("${htmlTitle(text)}"), not a zip, for ${document.friendlyName} (DocID ${document.docId}). ` +
            "ERCOT may be in maintenance or the document may have expired; try again later.",
          { status: 200, retryable: false },
        );
      }
      const iterator = (response.body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
      const { head, ended } = await readLeadingBytes(iterator, ZIP_MAGIC.length);
      if (!head.subarray(0, ZIP_MAGIC.length).equals(ZIP_MAGIC)) {
        response.body.destroy();
        const preview = excerpt(head.toString("utf8"), 60) || "an empty body";
        throw new ErcotHttpError(
          `ERCOT did not return a zip for ${document.friendlyName} (DocID ${document.docId}); the body starts with "${preview}". ` +
            'A "NO Results" answer means the document has expired from ERCOT\'s list (about 31 days).',
          { status: 200, retryable: false },
        );
      }
      const headerLength = Number(response.headers["content-length"]);
      const contentLength = Number.isFinite(headerLength) ? headerLength : null;
      // The transport judges truncation; ContentSize is only compared (as a warning) once the zip checks out.
      return {
        body: Readable.from(verifiedBody(head, ended, iterator, contentLength, document), { objectMode: false }),
        contentLength,
      };
    },
    options.retry,
    options.signal,
  );
}

async function* verifiedBody(
  head: Buffer,
  ended: boolean,
  iterator: AsyncIterator<Buffer>,
  expectedBytes: number | null,
  document: ErcotDocument,
): AsyncGenerator<Buffer> {
  let received = head.length;
  yield head;
  try {
    while (!ended) {
      let next: IteratorResult<Buffer>;
      try {
        next = await iterator.next();
      } catch (error) {
        const cause = networkError(`download ${document.friendlyName}`, document.downloadUrl, error);
        throw new ErcotHttpError(
          `The download of ${document.friendlyName} (DocID ${document.docId}) broke off after ${received} bytes: ${cause.message}`,
          { retryable: true, cause: error },
        );
      }
      if (next.done) break;
      received += next.value.length;
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
  if (expectedBytes !== null && received !== expectedBytes) {
    throw new ErcotHttpError(
      `The download of ${document.friendlyName} (DocID ${document.docId}) ended after ${received} of ${expectedBytes} bytes; ` +
        "the file is incomplete and was not kept. It will be fetched again on the next run.",
      { retryable: true },
    );
  }
}
