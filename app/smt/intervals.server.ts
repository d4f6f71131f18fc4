import { Prisma, type SmtChannel } from "@prisma/client";
import { db } from "~/db/prisma.server";

/** One received 15-minute interval as stored in its day row. */
export interface StoredInterval {
  esiid: string;
  channel: SmtChannel;
  /** UTC start of the interval. */
  intervalStart: Date;
  /** Exact decimal text as stored (DECIMAL(14,5)); null for a blank reading. */
  kwh: string | null;
  estimated: boolean;
  revisionAt: Date | null;
  rawFileId: number | null;
}

export interface IntervalFilter {
  esiid?: string;
  /** Intervals last written by this file. */
  rawFileId?: number;
  /** Central days, inclusive `from`, exclusive `to`, `YYYY-MM-DD`. */
  fromDay?: string;
  toDay?: string;
}

/**
 * The received intervals of the day rows that match, in time order per ESIID and channel. A year of one ESIID is
 * 365 day rows read through the primary key, unnested by PostgreSQL.
 */
export async function storedIntervals(filter: IntervalFilter = {}): Promise<StoredInterval[]> {
  const conditions = [Prisma.sql`u."estimated" IS NOT NULL`];
  if (filter.esiid !== undefined) conditions.push(Prisma.sql`d."esiid" = ${filter.esiid}`);
  if (filter.fromDay !== undefined) conditions.push(Prisma.sql`d."day" >= ${filter.fromDay}::date`);
  if (filter.toDay !== undefined) conditions.push(Prisma.sql`d."day" < ${filter.toDay}::date`);
  if (filter.rawFileId !== undefined) {
    conditions.push(Prisma.sql`${filter.rawFileId}::int = ANY(d."rawFileIds") AND u."rawFileId" = ${filter.rawFileId}`);
  }
  return db().$queryRaw<StoredInterval[]>(Prisma.sql`
    SELECT d."esiid", d."channel", d."dayStart" + (u.slot - 1) * interval '15 minutes' AS "intervalStart",
           u."kwh"::text AS "kwh", u."estimated", u."revisionAt", u."rawFileId"
    FROM "SmtIntervalDay" d,
         unnest(d."kwh", d."estimated", d."revisionAt", d."rawFileIds")
           WITH ORDINALITY AS u("kwh", "estimated", "revisionAt", "rawFileId", slot)
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY d."esiid", d."channel", d."day", u.slot`);
}

/** How many intervals are stored, from the day rows' generated counts. */
export async function storedIntervalCount(): Promise<number> {
  const [row] = await db().$queryRaw<
    { n: number }[]
  >`SELECT COALESCE(sum("intervals"), 0)::int AS n FROM "SmtIntervalDay"`;
  return row.n;
}

/** One stored day's totals for one channel. */
export interface DayTotal {
  /** Central date, `YYYY-MM-DD`. */
  day: string;
  channel: SmtChannel;
  /** Sum of the day's readings, exact decimal text; null when it has none. */
  kwh: string | null;
  intervals: number;
  missing: number;
  estimated: number;
}

/** A day-by-day series for an ESIID (a bill or a plan comparison): one row per stored day and channel. */
export async function dailyTotals(esiid: string, range: { fromDay: string; toDay: string }): Promise<DayTotal[]> {
  return db().$queryRaw<DayTotal[]>`
    SELECT to_char("day", 'YYYY-MM-DD') AS "day", "channel", "totalKwh"::text AS "kwh", "intervals", "missing",
           "estimatedCount" AS "estimated"
    FROM "SmtIntervalDay"
    WHERE "esiid" = ${esiid} AND "day" >= ${range.fromDay}::date AND "day" < ${range.toDay}::date
    ORDER BY "day", "channel"`;
}

/** Calendar-month sums (Central months) for an ESIID: the monthly kWh a bill or plan comparison prices. */
export async function monthlyTotals(
  esiid: string,
  range: { fromDay: string; toDay: string },
): Promise<{ month: string; channel: SmtChannel; kwh: string | null; intervals: number }[]> {
  return db().$queryRaw`
    SELECT to_char(date_trunc('month', "day"), 'YYYY-MM') AS "month", "channel", sum("totalKwh")::text AS "kwh",
           sum("intervals")::int AS "intervals"
    FROM "SmtIntervalDay"
    WHERE "esiid" = ${esiid} AND "day" >= ${range.fromDay}::date AND "day" < ${range.toDay}::date
    GROUP BY 1, 2 ORDER BY 1, 2`;
}

/** One stored day of one channel as a series: slot i starts at `dayStart` + i × 15 minutes. */
export interface DaySeries {
  /** Central date, `YYYY-MM-DD`. */
  day: string;
  channel: SmtChannel;
  dayStart: Date;
  /** Exact decimal text per slot; null for a blank or unreceived slot. */
  kwh: (string | null)[];
  /** Per slot; null when the slot was not received. */
  estimated: (boolean | null)[];
}

/**
 * An ESIID's intervals as day series (what a plan comparison or a bill reads): a year is 365 rows per channel whose
 * arrays arrive as text and are split here, far cheaper than 35,040 rows of decoded columns.
 */
export async function intervalSeries(esiid: string, range: { fromDay: string; toDay: string }): Promise<DaySeries[]> {
  const rows = await db().$queryRaw<
    { day: string; channel: SmtChannel; dayStart: Date; kwh: string; estimated: string }[]
  >`
    SELECT to_char("day", 'YYYY-MM-DD') AS "day", "channel", "dayStart", "kwh"::text AS "kwh",
           "estimated"::text AS "estimated"
    FROM "SmtIntervalDay"
    WHERE "esiid" = ${esiid} AND "day" >= ${range.fromDay}::date AND "day" < ${range.toDay}::date
    ORDER BY "channel", "day"`;
  return rows.map((row) => ({
    day: row.day,
    channel: row.channel,
    dayStart: row.dayStart,
    kwh: arrayElements(row.kwh).map((element) => (element === "NULL" ? null : element)),
    estimated: arrayElements(row.estimated).map((element) => (element === "NULL" ? null : element === "t")),
  }));
}

/** The elements of a one-dimensional PostgreSQL array literal of numbers or booleans (never quoted). */
function arrayElements(literal: string): string[] {
  return literal.slice(1, -1).split(",");
}
