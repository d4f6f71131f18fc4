// Shapes the ESIID pages and the JSON API share; plain module so components can import it.

export interface PremiseHit {
  esiid: string;
  tdsp: string;
  address: string;
  city: string | null;
  zipcode: string | null;
  status: string | null;
  premiseType: string | null;
  meterReadCycle: string | null;
  settlementAmsIndicator: string | null;
  tdspAmsIndicator: string | null;
  switchHoldIndicator: string | null;
  lastChangedAt: string;
}

export interface PremiseSearch {
  q: string;
  zip: string;
  city: string;
  page: number;
  pageSize: number;
}

export type SearchMode = "esiid" | "address" | "place" | "none";

export interface PremiseSearchResult {
  mode: SearchMode;
  page: number;
  pageSize: number;
  hasMore: boolean;
  results: PremiseHit[];
  /** A sentence when the query could not be run as given. */
  message: string | null;
}

export interface PremiseChangeView {
  docId: string;
  publishedAt: string;
  kind: string;
  changes: Record<string, [string | null, string | null]>;
}

export interface PremiseFileView {
  docId: string;
  ercotIngestId: number | null;
  filename: string | null;
  runId: number | null;
  kind: string | null;
  publishedAt: string | null;
}

export interface ExtractFileState {
  status: string;
  kind: string;
  layout: number | null;
  rows: number;
  changes: number;
  message: string | null;
  processedAt: string;
}
