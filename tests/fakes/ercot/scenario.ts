export type FakeRoute = "page" | "list" | "download" | "token" | "api" | "ews" | "ews-download";

export const MIS_ROUTES: FakeRoute[] = ["page", "list", "download"];
export const ALL_ROUTES: FakeRoute[] = ["page", "list", "download", "token", "api", "ews", "ews-download"];

export interface FakeScenario {
  /** An HTML maintenance page instead of the answer (ERCOT serves both 503 and 200 variants). */
  maintenance: { status: 503 | 200; routes: FakeRoute[] } | null;
  /** The next `remaining` matching requests fail with `status`, then service resumes. */
  serverErrors: { remaining: number; status: number; routes: FakeRoute[] } | null;
  /** Delay before the status line and headers. */
  delay: { ms: number; routes: FakeRoute[] } | null;
  /** Downloads trickle: `chunkBytes` every `intervalMs`. */
  slowBody: { chunkBytes: number; intervalMs: number } | null;
  /** Downloads announce the full Content-Length, send this many bytes, then drop the socket. */
  truncateAfterBytes: number | null;
  /** mirDownload answers 200 "NO Results" (an expired or unknown DocID). */
  noResults: boolean;
  list: "normal" | "empty-array" | "missing-key" | "null-list" | "empty-string" | "single-object" | "numeric-fields";
  page: "standard" | "reformatted" | "no-product";
  /** Whether the Public API serves ZP15-612 at all ([U] in the spec). */
  apiProductExposed: boolean;
  tokenExpiresIn: "number" | "string";
  /** API rate limit per subscription key over a rolling window. */
  apiRateLimit: { perWindow: number; windowMs: number };
  /** How GetReports packs its Payload: plain XML, or base64 of a zip or gzip in `Compressed`. */
  ewsCompressed: false | "zip" | "gzip";
  /** `fileName` as a ConstructedName (as the portal expects) or a bare FriendlyName (the inference failing). */
  ewsFileNames: "constructed" | "friendly";
  /** ERCOT rejects anything but rsa-sha1/sha1 (SECU3517/SECU3518). */
  ewsRequireSha1: boolean;
  /** Download links (API `_links.endpoint.href`, EWS `URL`) on another origin than the one asked. */
  linkBase: string | null;
  /**
   * The listed routes answer 302 first: `hops` times on the same host, or once to plain http on the MIS
   * host, to a foreign host (`localhost` instead of the address asked), or back to the same URL forever.
   */
  redirect: { routes: FakeRoute[]; to: "same-host" | "http" | "foreign" | "loop"; hops: number } | null;
  /** Bytes added to the listed ContentSize (MIS list and EWS `size`); the zip itself is unchanged. */
  contentSizeDelta: number;
  /** The zip is cut to this many bytes, and Content-Length and ContentSize both say so (ERCOT stored it cut). */
  cutZipAtBytes: number | null;
  /** One byte of the first entry's data is flipped: every size is right, the entry's CRC-32 is not. */
  corruptEntryData: boolean;
}

export const DEFAULT_SCENARIO: FakeScenario = {
  maintenance: null,
  serverErrors: null,
  delay: null,
  slowBody: null,
  truncateAfterBytes: null,
  noResults: false,
  list: "normal",
  page: "standard",
  apiProductExposed: true,
  tokenExpiresIn: "number",
  apiRateLimit: { perWindow: 30, windowMs: 60_000 },
  ewsCompressed: false,
  ewsFileNames: "constructed",
  ewsRequireSha1: true,
  linkBase: null,
  redirect: null,
  contentSizeDelta: 0,
  cutZipAtBytes: null,
  corruptEntryData: false,
};

export const NAMED_SCENARIOS = {
  normal: {},
  "maintenance-503": { maintenance: { status: 503, routes: MIS_ROUTES } },
  "maintenance-200": { maintenance: { status: 200, routes: MIS_ROUTES } },
  "server-error-once": { serverErrors: { remaining: 1, status: 502, routes: ALL_ROUTES } },
  "server-errors": { serverErrors: { remaining: Number.MAX_SAFE_INTEGER, status: 503, routes: ALL_ROUTES } },
  slow: { delay: { ms: 3_000, routes: ALL_ROUTES } },
  "slow-body": { slowBody: { chunkBytes: 1024, intervalMs: 500 } },
  truncated: { truncateAfterBytes: 1024 },
  "no-results": { noResults: true },
  "empty-list": { list: "empty-array" },
  "missing-document-list": { list: "missing-key" },
  "null-document-list": { list: "null-list" },
  "empty-string-document-list": { list: "empty-string" },
  "single-document": { list: "single-object" },
  "numeric-fields": { list: "numeric-fields" },
  "page-reformatted": { page: "reformatted" },
  "page-without-product": { page: "no-product" },
  "api-not-exposed": { apiProductExposed: false },
  "ews-compressed": { ewsCompressed: "zip" },
  "ews-compressed-gzip": { ewsCompressed: "gzip" },
  "ews-friendly-file-names": { ewsFileNames: "friendly" },
  redirect: { redirect: { routes: ["page", "list", "download", "ews-download"], to: "same-host", hops: 2 } },
  "redirect-to-http": { redirect: { routes: ["ews-download"], to: "http", hops: 1 } },
  "redirect-foreign": { redirect: { routes: ["list", "download", "ews-download"], to: "foreign", hops: 1 } },
  "redirect-loop": { redirect: { routes: ["list", "download"], to: "loop", hops: 1 } },
  "redirect-too-many": { redirect: { routes: ["list", "download"], to: "same-host", hops: 6 } },
  "content-size-lies": { contentSizeDelta: 1000 },
  "truncated-consistent": { cutZipAtBytes: 20_000 },
  "corrupt-crc": { corruptEntryData: true },
} satisfies Record<string, Partial<FakeScenario>>;

export type ScenarioName = keyof typeof NAMED_SCENARIOS;

export function resolveScenario(
  input: ScenarioName | Partial<FakeScenario>,
  base: FakeScenario = DEFAULT_SCENARIO,
): FakeScenario {
  if (typeof input === "string") {
    const preset = NAMED_SCENARIOS[input] as Partial<FakeScenario> | undefined;
    if (!preset)
      throw new Error(`Unknown fake ERCOT scenario "${input}". Known: ${Object.keys(NAMED_SCENARIOS).join(", ")}.`);
    return { ...DEFAULT_SCENARIO, ...structuredClone(preset) };
  }
  return { ...base, ...structuredClone(input) };
}
