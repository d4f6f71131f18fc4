import { Prisma } from "@prisma/client";
import { db } from "~/db/prisma.server";

export interface DailyUsage {
  /** Central calendar day, `YYYY-MM-DD`. */
  day: string;
  consumptionKwh: number;
  generationKwh: number;
  /** Intervals with a blank reading that day, over both channels. */
  missing: number;
}

export interface EsiidUsage {
  esiid: string;
  days: DailyUsage[];
  totalConsumptionKwh: number;
  totalGenerationKwh: number;
}

/**
 * One meter's daily kWh for the usage chart, consumption and surplus generation kept apart, read from the day rows'
 * stored totals: the Central days `from`–`to` (both included), or the last `days` days up to its newest day with data.
 */
export async function dailyUsage(
  esiid: string,
  window: { from: string; to: string } | { days: number } = { days: 60 },
): Promise<EsiidUsage> {
  const days =
    "from" in window
      ? Prisma.sql`"day" BETWEEN ${window.from}::date AND ${window.to}::date`
      : Prisma.sql`"day" > latest.at - ${window.days}::int`;
  const rows = await db().$queryRaw<
    { day: string; consumption: string | null; generation: string | null; missing: number }[]
  >(
    Prisma.sql`
    WITH latest AS (SELECT max("day") AS at FROM "SmtIntervalDay" WHERE "esiid" = ${esiid})
    SELECT to_char("day", 'YYYY-MM-DD') AS day,
           sum("totalKwh") FILTER (WHERE "channel" = 'consumption')::text AS consumption,
           sum("totalKwh") FILTER (WHERE "channel" = 'generation')::text AS generation,
           sum("missing")::int AS missing
    FROM "SmtIntervalDay", latest
    WHERE "esiid" = ${esiid} AND ${days}
    GROUP BY "day" ORDER BY "day"`,
  );
  const dailies = rows.map((row) => ({
    day: row.day,
    consumptionKwh: Number(row.consumption ?? 0),
    generationKwh: Number(row.generation ?? 0),
    missing: Number(row.missing),
  }));
  return {
    esiid,
    days: dailies,
    totalConsumptionKwh: dailies.reduce((sum, day) => sum + day.consumptionKwh, 0),
    totalGenerationKwh: dailies.reduce((sum, day) => sum + day.generationKwh, 0),
  };
}

/**
 * ESIIDs with intervals, those of the most recently received files first, so a fresh upload is always offered; the
 * rest are found with a loose index scan on the primary key (esiid first), which stays quick on millions of day rows.
 */
export async function chartedEsiids(maxEsiids: number): Promise<string[]> {
  const [recent, stored] = await Promise.all([
    db().$queryRaw<{ esiid: string }[]>(Prisma.sql`
    SELECT "esiid" FROM "SmtRawFile" WHERE "esiid" IS NOT NULL AND "status" = 'parsed'
    GROUP BY "esiid" ORDER BY max("receivedAt") DESC LIMIT ${maxEsiids}`),
    db().$queryRaw<{ esiid: string }[]>(Prisma.sql`
    WITH RECURSIVE found AS (
      (SELECT "esiid" FROM "SmtIntervalDay" ORDER BY "esiid" LIMIT 1)
      UNION ALL
      SELECT (SELECT i."esiid" FROM "SmtIntervalDay" i WHERE i."esiid" > found."esiid" ORDER BY i."esiid" LIMIT 1)
      FROM found WHERE found."esiid" IS NOT NULL
    )
    SELECT "esiid" FROM found WHERE "esiid" IS NOT NULL LIMIT ${maxEsiids}`),
  ]);
  return [...new Set([...recent, ...stored].map((row) => row.esiid))].slice(0, maxEsiids);
}
