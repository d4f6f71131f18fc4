import type { ErcotSourcesConfig } from "~/ercot/config";
import type { ErcotDocument, ErcotDownload, ErcotSource } from "~/ercot/types";
import type { SourceAttempt } from "~/ercot/run-record";
import type { SourceDependencies } from "./dependencies";
import { EwsSource } from "./ews.server";
import { PublicApiSource } from "./public-api.server";
import { ScrapeSource } from "./scrape.server";

export type { SourceDependencies } from "./dependencies";

/** Configured sources in priority order: EWS (certificate), Public API (subscription key), then the public page. */
export function createErcotSources(config: ErcotSourcesConfig, dependencies: SourceDependencies = {}): ErcotSource[] {
  const candidates: ErcotSource[] = [
    new EwsSource(config, dependencies),
    new PublicApiSource(config, dependencies),
    new ScrapeSource(config, dependencies),
  ];
  return candidates.filter((source) => source.isConfigured());
}

export type { SourceAttempt } from "~/ercot/run-record";

export interface FallbackListing {
  /** The source whose list the run uses: the first with a usable document, else the last that answered. */
  source: ErcotSource;
  documents: ErcotDocument[];
  attempts: SourceAttempt[];
  /** Entries the chosen source listed but could not read. */
  dropped: number;
}

export class AllSourcesFailedError extends Error {
  constructor(readonly attempts: SourceAttempt[]) {
    super(
      `No ERCOT source could list the TDSP ESIID Extract files. ${attempts
        .map((attempt) => `${attempt.source}: ${attempt.error}`)
        .join(" ")}`,
    );
    this.name = "AllSourcesFailedError";
  }
}

function emptyReason(dropped: string[]): string {
  if (dropped.length === 0) return "it listed no document for report 203.";
  const examples = dropped.slice(0, 3).join("; ");
  return `it listed ${dropped.length} entries but none had a name or date it could read (${examples}).`;
}

/**
 * Asks each source in turn. A source that fails, or lists no usable document (its name format may be a
 * wrong guess), hands over to the next, and the trail records why. Entries dropped are counted, never hidden.
 */
export async function listWithFallback(sources: ErcotSource[], signal?: AbortSignal): Promise<FallbackListing> {
  const attempts: SourceAttempt[] = [];
  let lastEmpty: FallbackListing | null = null;
  for (const source of sources) {
    try {
      const listing = await source.listDocuments(signal);
      const dropped = listing.dropped.length;
      if (listing.documents.length > 0) {
        attempts.push({ source: source.name, ...(dropped ? { dropped } : {}) });
        return { source, documents: listing.documents, attempts, dropped };
      }
      attempts.push({ source: source.name, error: emptyReason(listing.dropped), ...(dropped ? { dropped } : {}) });
      lastEmpty = { source, documents: [], attempts, dropped };
    } catch (error) {
      if (signal?.aborted) throw error;
      attempts.push({ source: source.name, error: (error as Error).message });
    }
  }
  if (lastEmpty) return lastEmpty;
  throw new AllSourcesFailedError(attempts);
}

/** Downloads through the source that listed the document (its URL and credentials belong to it). */
export function downloadDocument(
  sources: ErcotSource[],
  document: ErcotDocument,
  signal?: AbortSignal,
): Promise<ErcotDownload> {
  const source = sources.find((candidate) => candidate.name === document.source);
  if (!source) {
    return Promise.reject(
      new Error(`The ${document.source} source that listed ${document.friendlyName} is not configured any more.`),
    );
  }
  return source.download(document, signal);
}
