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
 * Daily kWh per ESIID for the usage chart: the last `days` Central days up to the newest day with data,
 * consumption and surplus generation kept apart, read from the day rows' stored totals. ESIIDs of the most recently received files come first, so a fresh upload is always
 * charted; the rest are found with a loose index scan on the primary key (esiid first), which stays quick on a
 * table of millions of day rows.
 */
export async function dailyUsageByEsiid(
  options: {
    maxEsiids?: number;
    days?: number;
    esiids?: string[];
    /** Central calendar days `YYYY-MM-DD`, both included; given together, they replace the `days` window. */
    from?: string;
    to?: string;
  } = {},
): Promise<EsiidUsage[]> {
  const maxEsiids = options.maxEsiids ?? 12;
  const days = options.days ?? 60;
  const esiids = options.esiids ?? (await chartedEsiids(maxEsiids));
  const window =
    options.from && options.to
      ? Prisma.sql`"day" BETWEEN ${options.from}::date AND ${options.to}::date`
      : Prisma.sql`"day" > latest.at - ${days}::int`;

  const usage: EsiidUsage[] = [];
  for (const esiid of esiids) {
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
      WHERE "esiid" = ${esiid} AND ${window}
      GROUP BY "day" ORDER BY "day"`,
    );
    const dailies = rows.map((row) => ({
      day: row.day,
      consumptionKwh: Number(row.consumption ?? 0),
      generationKwh: Number(row.generation ?? 0),
      missing: Number(row.missing),
    }));
    usage.push({
      esiid,
      days: dailies,
      totalConsumptionKwh: dailies.reduce((sum, day) => sum + day.consumptionKwh, 0),
      totalGenerationKwh: dailies.reduce((sum, day) => sum + day.generationKwh, 0),
    });
  }
  return usage;
}

/** ESIIDs with intervals, those of the most recently received files first. */
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
