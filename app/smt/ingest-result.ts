import type { SmtFileKind } from "./parse/detect";

/** What one SMT file came to, shared by the server and the upload page (no server-only imports here). */
export interface IngestIssue {
  line?: number;
  /** The ZIP entry the issue belongs to. */
  entry?: string;
  message: string;
}

export interface IngestEntry {
  name: string;
  kind: SmtFileKind;
  rowsParsed: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsSkipped: number;
}

export type IngestStatus = "parsed" | "failed";

/** The JSON the webhook answers and the card the upload page shows. */
export interface IngestResult {
  ok: boolean;
  duplicate: boolean;
  /** HTTP status for an answer about this file alone. */
  httpStatus: 200 | 422;
  status: IngestStatus | "received";
  /** One sentence for the operator. */
  message: string;
  rawFileId: number;
  receivedAt: string;
  filename: string;
  sha256: string;
  sizeBytes: number;
  storageKey: string;
  kind: SmtFileKind;
  rowsParsed: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsSkipped: number;
  firstDay: string | null;
  lastDay: string | null;
  esiids: string[];
  warnings: IngestIssue[];
  errors: IngestIssue[];
  warningCount: number;
  errorCount: number;
  entries: IngestEntry[];
}

/** The answer to an operator's upload from the SMT page (its form action and its JSON endpoint alike). */
export interface UploadAnswer {
  error: string | null;
  results: IngestResult[];
}
