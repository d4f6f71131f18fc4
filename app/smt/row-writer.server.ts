import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { Written } from "./outcome";
import type { BillingRead } from "./parse/billing-csv";
import { mergeDaySlotsSet } from "./day-merge-sql";
import type { RowSink, StagedDays } from "./row-sink";

/**
 * A slot of the file replaces the stored one when it was received, its revision is the same or newer (a stored
 * slot without revision loses), and something differs. u.o* are the stored slot, u.n* the file's.
 */
const SLOT_TAKEN = `(u.ne IS NOT NULL AND u.nr >= COALESCE(u.orv, '-infinity'::timestamp)
  AND (u.nk, u.ne, u.nr) IS DISTINCT FROM (u.ok, u.oe, u.orv))`;

const MERGE_SET = mergeDaySlotsSet({ stored: "d", takeIncoming: SLOT_TAKEN, incomingFileIds: 'EXCLUDED."rawFileIds"' });

/**
 * Writes parsed rows on one connection inside the file's transaction. Intervals are stored one row per ESIID,
 * channel and Central day (SmtIntervalDay); an interval is replaced only by the same or a newer revision
 * (REVISION_DATE), and only when something differs.
 */
export class RowWriter implements RowSink {
  private staging = false;

  constructor(
    private readonly client: pg.Client,
    private readonly rawFileId: number,
  ) {}

  /** Writes day rows: one COPY into the stage, one statement that counts and merges. */
  async writeDays({ copyText, offered, received }: StagedDays): Promise<Written> {
    if (copyText === "") return { inserted: 0, updated: 0, unchanged: 0 };
    if (!this.staging) {
      // Day rows reach PostgreSQL through COPY into an unindexed temporary table (no WAL, no parameter encoding).
      // A complete day of one revision comes with "dayRevision" and without the per-slot revision and file arrays.
      await this.client.query(`CREATE TEMP TABLE smt_day_stage (
          "esiid" text, "channel" "SmtChannel", "day" date, "dayStart" timestamp(3), "kwh" numeric(14,5)[],
          "estimated" boolean[], "revisionAt" timestamp(3)[], "dayRevision" timestamp(3), "rawFileIds" integer[],
          "totalKwh" numeric(16,5), "intervals" integer, "missing" integer, "estimatedCount" integer) ON COMMIT DROP`);
      this.staging = true;
    }
    await pipeline(Readable.from([copyText]), this.client.query(copyFrom(`COPY smt_day_stage FROM STDIN`)));
    // One statement counts against the stored days (the statement's snapshot) and merges. Each stored day is
    // found through the primary key (LATERAL … LIMIT 1): the stage has no statistics, and a hash join would read
    // the whole table on every batch, so an ingest would slow down as the table grows.
    const result = await this.client.query<{ overlapping: string; updated: string }>({
      name: "smt-day-merge",
      text: `WITH staged AS (
          SELECT "esiid", "channel", "day", "dayStart", "kwh", "estimated",
                 COALESCE("revisionAt", array_fill("dayRevision", ARRAY[cardinality("kwh")])) AS "revisionAt",
                 COALESCE("rawFileIds", array_fill($1::int, ARRAY[cardinality("kwh")])) AS "rawFileIds",
                 "totalKwh", "intervals", "missing", "estimatedCount"
          FROM smt_day_stage
        ),
        counted AS (
          SELECT count(*) FILTER (WHERE u.ne IS NOT NULL AND u.oe IS NOT NULL) AS overlapping,
                 count(*) FILTER (WHERE ${SLOT_TAKEN} AND u.oe IS NOT NULL) AS updated
          FROM staged s
          CROSS JOIN LATERAL (SELECT o."kwh", o."estimated", o."revisionAt" FROM "SmtIntervalDay" o
                              WHERE o."esiid" = s."esiid" AND o."channel" = s."channel" AND o."day" = s."day"
                              LIMIT 1) o
          CROSS JOIN LATERAL unnest(o."kwh", o."estimated", o."revisionAt", s."kwh", s."estimated", s."revisionAt")
                 AS u(ok, oe, orv, nk, ne, nr)
        ),
        merged AS (
          INSERT INTO "SmtIntervalDay" AS d ("esiid", "channel", "day", "dayStart", "kwh", "estimated", "revisionAt",
              "rawFileIds", "totalKwh", "intervals", "missing", "estimatedCount", "rawFileId")
            SELECT "esiid", "channel", "day", "dayStart", "kwh", "estimated", "revisionAt", "rawFileIds",
                   "totalKwh", "intervals", "missing", "estimatedCount", $1
            FROM staged
          ON CONFLICT ("esiid", "channel", "day") DO UPDATE
            ${MERGE_SET},
                "rawFileId" = EXCLUDED."rawFileId"
            WHERE EXISTS (SELECT 1 FROM unnest(d."kwh", d."estimated", d."revisionAt",
                                               EXCLUDED."kwh", EXCLUDED."estimated", EXCLUDED."revisionAt")
                                          AS u(ok, oe, orv, nk, ne, nr)
                          WHERE ${SLOT_TAKEN})
          RETURNING 1
        )
        SELECT overlapping, updated, (SELECT count(*) FROM merged) AS written FROM counted`,
      values: [this.rawFileId],
    });
    // Emptied, not deleted from: deleted rows would stay in the table, and each batch would read them again.
    await this.client.query(`TRUNCATE smt_day_stage`);
    const overlapping = Number(result.rows[0].overlapping);
    const updated = Number(result.rows[0].updated);
    const inserted = received - overlapping;
    return { inserted, updated, unchanged: offered - inserted - updated };
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
