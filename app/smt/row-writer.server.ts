import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { Written } from "./outcome";
import type { BillingRead } from "./parse/billing-csv";
import type { IntervalRow } from "./parse/interval";
import { dayCopyLine, intervalDays } from "./interval-days";

/**
 * A slot of the file replaces the stored one when it was received, its revision is the same or newer (a stored
 * slot without revision loses), and something differs. u.o* are the stored slot, u.n* the file's.
 */
const SLOT_TAKEN = `(u.ne IS NOT NULL AND u.nr >= COALESCE(u.orv, '-infinity'::timestamp)
  AND (u.nk, u.ne, u.nr) IS DISTINCT FROM (u.ok, u.oe, u.orv))`;

/**
 * Writes parsed rows on one connection inside the file's transaction. Intervals are stored one row per ESIID,
 * channel and Central day (SmtIntervalDay); an interval is replaced only by the same or a newer revision
 * (REVISION_DATE), and only when something differs.
 */
export class RowWriter {
  private staging = false;

  constructor(
    private readonly client: pg.Client,
    private readonly rawFileId: number,
  ) {}

  async intervals(batch: IntervalRow[]): Promise<Written> {
    const days = intervalDays(batch);
    if (!this.staging) {
      // Day rows reach PostgreSQL through COPY into an unindexed temporary table (no WAL, no parameter
      // encoding); then one statement counts what changes and one INSERT … ON CONFLICT merges them.
      await this.client.query(`CREATE TEMP TABLE smt_day_stage (
          "esiid" text, "channel" "SmtChannel", "day" date, "dayStart" timestamp(3), "kwh" numeric(14,5)[],
          "estimated" boolean[], "revisionAt" timestamp(3)[], "rawFileIds" integer[]) ON COMMIT DROP`);
      this.staging = true;
    }
    let text = "";
    for (const day of days.values()) text += dayCopyLine(day, this.rawFileId);
    await pipeline(Readable.from([text]), this.client.query(copyFrom(`COPY smt_day_stage FROM STDIN`)));
    // Locks the days this batch touches, then counts slots already received and slots that will change.
    const counted = await this.client.query<{ overlapping: string; updated: string }>({
      name: "smt-day-count",
      text: `WITH existing AS (
          SELECT d."esiid", d."channel", d."day", d."kwh", d."estimated", d."revisionAt"
          FROM "SmtIntervalDay" d JOIN smt_day_stage s USING ("esiid", "channel", "day") FOR UPDATE OF d
        )
        SELECT count(*) FILTER (WHERE u.ne IS NOT NULL AND u.oe IS NOT NULL) AS overlapping,
               count(*) FILTER (WHERE ${SLOT_TAKEN} AND u.oe IS NOT NULL) AS updated
        FROM existing o JOIN smt_day_stage s USING ("esiid", "channel", "day"),
             unnest(o."kwh", o."estimated", o."revisionAt", s."kwh", s."estimated", s."revisionAt")
               AS u(ok, oe, orv, nk, ne, nr)`,
    });
    await this.client.query({
      name: "smt-day-merge",
      text: `INSERT INTO "SmtIntervalDay" AS d ("esiid", "channel", "day", "dayStart", "kwh", "estimated", "revisionAt",
            "rawFileIds", "rawFileId")
          SELECT "esiid", "channel", "day", "dayStart", "kwh", "estimated", "revisionAt", "rawFileIds", $1
          FROM smt_day_stage
        ON CONFLICT ("esiid", "channel", "day") DO UPDATE
          SET ("kwh", "estimated", "revisionAt", "rawFileIds") = (
                SELECT array_agg(CASE WHEN ${SLOT_TAKEN} THEN u.nk ELSE u.ok END ORDER BY u.slot),
                       array_agg(CASE WHEN ${SLOT_TAKEN} THEN u.ne ELSE u.oe END ORDER BY u.slot),
                       array_agg(CASE WHEN ${SLOT_TAKEN} THEN u.nr ELSE u.orv END ORDER BY u.slot),
                       array_agg(CASE WHEN ${SLOT_TAKEN} THEN u.nfile ELSE u.ofile END ORDER BY u.slot)
                FROM unnest(d."kwh", d."estimated", d."revisionAt", d."rawFileIds",
                            EXCLUDED."kwh", EXCLUDED."estimated", EXCLUDED."revisionAt", EXCLUDED."rawFileIds")
                  WITH ORDINALITY AS u(ok, oe, orv, ofile, nk, ne, nr, nfile, slot)),
              "rawFileId" = EXCLUDED."rawFileId"
          WHERE EXISTS (SELECT 1 FROM unnest(d."kwh", d."estimated", d."revisionAt",
                                             EXCLUDED."kwh", EXCLUDED."estimated", EXCLUDED."revisionAt")
                                        AS u(ok, oe, orv, nk, ne, nr)
                        WHERE ${SLOT_TAKEN})`,
      values: [this.rawFileId],
    });
    await this.client.query(`TRUNCATE smt_day_stage`);
    let offered = 0;
    for (const day of days.values()) offered += day.received;
    const overlapping = Number(counted.rows[0].overlapping);
    const updated = Number(counted.rows[0].updated);
    return { inserted: offered - overlapping, updated, unchanged: batch.length - (offered - overlapping) - updated };
  }

  async billingReads(batch: BillingRead[]): Promise<Written> {
    const result = await this.client.query<{ inserted: string; updated: string }>({
      name: "smt-billing-upsert",
      text: `WITH upserted AS (
          INSERT INTO "SmtBillingRead" ("esiid", "meter", "readStart", "readEnd", "kwh", "extra", "rawFileId", "updatedAt")
          SELECT u.esiid, u.meter, u.read_start, u.read_end, u.kwh, u.extra, $7, now()
          FROM unnest($1::text[], $2::text[], $3::date[], $4::date[], $5::numeric[], $6::jsonb[])
            AS u(esiid, meter, read_start, read_end, kwh, extra)
          ON CONFLICT ("esiid", "meter", "readStart", "readEnd") DO UPDATE
            SET "kwh" = EXCLUDED."kwh", "extra" = EXCLUDED."extra", "rawFileId" = EXCLUDED."rawFileId", "updatedAt" = now()
            WHERE (EXCLUDED."kwh", EXCLUDED."extra") IS DISTINCT FROM ("SmtBillingRead"."kwh", "SmtBillingRead"."extra")
          RETURNING (xmax = 0) AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated FROM upserted`,
      values: [
        batch.map((read) => read.esiid),
        batch.map((read) => read.meter),
        batch.map((read) => read.readStart),
        batch.map((read) => read.readEnd),
        batch.map((read) => read.kwh),
        batch.map((read) => JSON.stringify(read.extra)),
        this.rawFileId,
      ],
    });
    return written(result.rows[0], batch.length);
  }
}

function written(counts: { inserted: string; updated: string }, offered: number): Written {
  const inserted = Number(counts.inserted);
  const updated = Number(counts.updated);
  return { inserted, updated, unchanged: offered - inserted - updated };
}
