import type { Readable } from "node:stream";

export type ErcotSourceName = "ews" | "api" | "scrape";

/** One published ERCOT document (a zip), as any source lists it. */
export interface ErcotDocument {
  docId: string;
  /** e.g. "CENTERPOINT__DAILY" */
  friendlyName: string;
  /** TDSP code from the FriendlyName, e.g. "CENTERPOINT", "SHARYLAND_MCALLEN" */
  tdsp: string;
  kind: "DAILY" | "FUL";
  /** e.g. "ext.00000203.0000000000000000.20260603.055219302.CENTERPOINT__DAILY.zip"; derived when a source gives none */
  constructedName: string;
  publishedAt: Date;
  /** bytes, when the source says (MIS ContentSize, EWS size); null when unknown (Public API) */
  contentSize: number | null;
  downloadUrl: string;
  source: ErcotSourceName;
}

export interface ErcotDownload {
  body: Readable;
  /** Content-Length header when sent */
  contentLength: number | null;
}

/** What a source listed: the usable documents, and a short description of each entry it could not read. */
export interface ErcotListing {
  documents: ErcotDocument[];
  dropped: string[];
}

export interface ErcotSource {
  readonly name: ErcotSourceName;
  /** True when the environment holds what this source needs. */
  isConfigured(): boolean;
  /** Documents currently published for report type 203, newest first. */
  listDocuments(signal?: AbortSignal): Promise<ErcotListing>;
  /** Starts the download; the body is a stream the caller must consume or destroy. */
  download(doc: ErcotDocument, signal?: AbortSignal): Promise<ErcotDownload>;
}
