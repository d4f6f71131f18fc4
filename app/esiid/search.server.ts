import { Prisma } from "@prisma/client";
import type pg from "pg";
import { createPool } from "~/db/connection.server";
import { appDatabase } from "~/db/target.server";
import { displayAddress } from "./address";
import type { PremiseHit, PremiseSearch, PremiseSearchResult, SearchMode } from "./types";

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;
/** Deep pages cost an ever larger OFFSET; a narrower query is the better answer past this one. */
export const MAX_PAGE = 40;
/** Digits only and at least this long: an ESIID (17–22 digits) or its prefix, not a house number. */
const ESIID_PREFIX_MIN = 7;
const SEARCH_TIMEOUT_MS = 5_000;
const QUERY_CANCELED = "57014";

declare global {
  var __esiidSearchPool: { url: string; pool: pg.Pool } | undefined;
}

/**
 * Searches read through a small pool whose sessions carry the statement timeout, so one search is one round
 * trip (a Prisma transaction with SET LOCAL costs four, which showed in the p95).
 */
function searchPool(): pg.Pool {
  const target = appDatabase();
  const key = `${target.url}#${target.schema}`;
  if (globalThis.__esiidSearchPool?.url !== key) {
    void globalThis.__esiidSearchPool?.pool.end();
    const pool = createPool(target, { applicationName: "esiid-search", max: 4, statement_timeout: SEARCH_TIMEOUT_MS });
    pool.on("error", (error) => console.error(`ESIID search pool: ${error.message}`));
    globalThis.__esiidSearchPool = { url: key, pool };
  }
  return globalThis.__esiidSearchPool.pool;
}

interface HitRow {
  esiid: string;
  tdsp: string;
  address: string | null;
  addressOverflow: string | null;
  city: string | null;
  zipcode: string | null;
  status: string | null;
  premiseType: string | null;
  meterReadCycle: string | null;
  settlementAmsIndicator: string | null;
  tdspAmsIndicator: string | null;
  switchHoldIndicator: string | null;
  lastChangedAt: Date;
}

const HIT_COLUMNS = Prisma.raw(
  `"esiid", "tdsp", "address", "addressOverflow", "city", "zipcode", "status", "premiseType", "meterReadCycle",
   "settlementAmsIndicator", "tdspAmsIndicator", "switchHoldIndicator", "lastChangedAt" AT TIME ZONE 'UTC' AS "lastChangedAt"`,
);

/** LIKE wildcards in what the operator typed are literal characters. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A word of letters may appear anywhere in `searchText`; a number only where a word starts (a house number,
 * a ZIP), so `670` does not match every premise of ZIP 76701. `narrowed`: another word or the ZIP already
 * selects few rows, so the number is only checked on those (its digit trigrams are in millions of rows, and
 * scanning them in the trigram index cost more than the rest of the search). Otherwise the trigram index
 * serves it: a space before the number makes pg_trgm look for its word-start trigrams.
 */
function addressWordFilter(token: string, narrowed: boolean): Prisma.Sql {
  const literal = likeLiteral(token);
  if (!/^\d+$/.test(token)) return Prisma.sql`"searchText" LIKE ${`%${literal}%`}`;
  if (narrowed) return Prisma.sql`(' ' || "searchText") LIKE ${`% ${literal}%`}`;
  return Prisma.sql`("searchText" LIKE ${`${literal}%`} OR "searchText" LIKE ${`% ${literal}%`})`;
}

export function searchModeOf(search: Pick<PremiseSearch, "q" | "zip" | "city">): SearchMode {
  const compact = search.q.replace(/[\s-]/g, "");
  if (new RegExp(`^\\d{${ESIID_PREFIX_MIN},}$`).test(compact)) return "esiid";
  // The normaliser keeps ASCII letters and digits only: with none, there is no address to look for.
  if (/[A-Za-z0-9]/.test(search.q)) return "address";
  if (search.zip || search.city) return "place";
  return "none";
}

/**
 * What the operator typed, normalised by the same SQL function that computed every stored `searchText`
 * (esiid_normalize_address, see the migration 20261203120000_esiid_sql_normaliser).
 */
export async function normalizeAddressQuery(q: string): Promise<string> {
  const { rows } = await searchPool().query<{ normalized: string }>(
    `SELECT esiid_normalize_address($1) AS normalized`,
    [q],
  );
  return rows[0].normalized;
}

/**
 * The SQL of one search, shared by the page, the API and the benchmark's raw comparison; `normalized` is
 * normalizeAddressQuery(search.q) in address mode.
 */
export function premiseSearchSql(search: PremiseSearch, normalized: string): { mode: SearchMode; sql: Prisma.Sql } {
  const mode = searchModeOf(search);
  const filters: Prisma.Sql[] = [];
  let order = Prisma.sql`"searchText", "esiid"`;
  if (mode === "esiid") {
    // A range in byte order on the esiid text_pattern_ops btree, ordered by the same index (USING ~<~), so LIMIT
    // stops at the first page even when millions of ESIIDs share the prefix. The index still serves `=`.
    const prefix = search.q.replace(/[\s-]/g, "");
    filters.push(Prisma.sql`"esiid" ~>=~ ${prefix} AND "esiid" ~<~ ${`${prefix}~`}`);
    order = Prisma.sql`"esiid" USING ~<~`;
  } else if (mode === "address") {
    const tokens = normalized.split(" ");
    const narrowed =
      Boolean(search.zip.replace(/\D/g, "")) || tokens.some((token) => /[A-Z]/.test(token) && token.length >= 3);
    for (const token of tokens) filters.push(addressWordFilter(token, narrowed));
    order = Prisma.sql`word_similarity(${normalized}, "searchText") DESC, similarity(${normalized}, "searchText") DESC, "esiid"`;
  }
  const zip = search.zip.replace(/\D/g, "").slice(0, 5);
  if (zip) filters.push(Prisma.sql`left("zipcode", 5) = ${zip}`);
  // Cities compare as stored (upper case, single spaces): NORTH in NORTH RICHLAND HILLS is no street direction.
  const city = search.city.toUpperCase().replace(/\s+/g, " ").trim();
  if (city) filters.push(Prisma.sql`"city" = ${city}`);
  const offset = (search.page - 1) * search.pageSize;
  return {
    mode,
    sql: Prisma.sql`SELECT ${HIT_COLUMNS} FROM "EsiidPremise" WHERE ${Prisma.join(filters, " AND ")}
      ORDER BY ${order} LIMIT ${search.pageSize + 1} OFFSET ${offset}`,
  };
}

/** Reads the search form or query string; anything out of range falls back to a sane value. */
export function parsePremiseSearch(params: URLSearchParams): PremiseSearch {
  const text = (name: string, max: number) => (params.get(name) ?? "").trim().slice(0, max);
  const page = Math.min(MAX_PAGE, Math.max(1, Math.floor(Number(params.get("page")) || 1)));
  const pageSize = Math.min(
    MAX_PAGE_SIZE,
    Math.max(1, Math.floor(Number(params.get("pageSize")) || DEFAULT_PAGE_SIZE)),
  );
  return { q: text("q", 200), zip: text("zip", 10), city: text("city", 60), page, pageSize };
}

function toHit(row: HitRow): PremiseHit {
  return {
    esiid: row.esiid,
    tdsp: row.tdsp,
    address: displayAddress(row.address, row.addressOverflow),
    city: row.city,
    zipcode: row.zipcode,
    status: row.status,
    premiseType: row.premiseType,
    meterReadCycle: row.meterReadCycle,
    settlementAmsIndicator: row.settlementAmsIndicator,
    tdspAmsIndicator: row.tdspAmsIndicator,
    switchHoldIndicator: row.switchHoldIndicator,
    lastChangedAt: row.lastChangedAt.toISOString(),
  };
}

/**
 * ESIID exact or prefix (digits only, 7 or more), else a normalised free-text address where every word must
 * appear (trigram index), ranked by word similarity; ZIP and city narrow either or stand alone.
 */
export async function searchPremises(search: PremiseSearch): Promise<PremiseSearchResult> {
  const mode = searchModeOf(search);
  const base = { mode, page: search.page, pageSize: search.pageSize };
  if (mode === "none")
    return {
      ...base,
      hasMore: false,
      results: [],
      message: "Type an ESIID, part of an address, a ZIP code or a city.",
    };
  try {
    const normalized = mode === "address" ? await normalizeAddressQuery(search.q) : "";
    const { sql } = premiseSearchSql(search, normalized);
    const { rows } = await searchPool().query<HitRow>(sql.text, sql.values);
    return {
      ...base,
      hasMore: rows.length > search.pageSize,
      results: rows.slice(0, search.pageSize).map(toHit),
      message: null,
    };
  } catch (error) {
    if ((error as { code?: string }).code === QUERY_CANCELED)
      return {
        ...base,
        hasMore: false,
        results: [],
        message: "The search took too long; add a ZIP code, a city or more of the address.",
      };
    throw error;
  }
}

export async function closeSearchPool() {
  await globalThis.__esiidSearchPool?.pool.end();
  globalThis.__esiidSearchPool = undefined;
}
