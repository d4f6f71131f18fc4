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
  source: ErcotSource;
  documents: ErcotDocument[];
  attempts: SourceAttempt[];
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

/** Asks each source in turn; the first that answers (even with an empty list) wins. */
export async function listWithFallback(sources: ErcotSource[], signal?: AbortSignal): Promise<FallbackListing> {
  const attempts: SourceAttempt[] = [];
  for (const source of sources) {
    try {
      const documents = await source.listDocuments(signal);
      attempts.push({ source: source.name });
      return { source, documents, attempts };
    } catch (error) {
      if (signal?.aborted) throw error;
      attempts.push({ source: source.name, error: (error as Error).message });
    }
  }
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
