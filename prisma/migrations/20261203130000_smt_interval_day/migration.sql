-- SMT intervals stored one row per (ESIID, channel, Central day): the day's 15-minute slots in arrays, with the
-- raw file, revision and estimated flag kept per slot, and the day's totals kept beside them by every write
-- (docs/decisions/meter12-interval-storage.md). Slot i starts at "dayStart" + i × 15 minutes; a Central day has
-- 92, 96 or 100 slots. A slot was received when its "estimated" element is not NULL; a received slot with a NULL
-- "kwh" is a blank reading.
-- Re-runnable: IF NOT EXISTS everywhere, the copy from the old per-interval table skips days already
-- present, and table names are unqualified (search_path decides the schema).

CREATE TABLE IF NOT EXISTS "SmtIntervalDay" (
    "esiid" TEXT NOT NULL,
    "channel" "SmtChannel" NOT NULL,
    "day" DATE NOT NULL,
    "dayStart" TIMESTAMP(3) NOT NULL,
    "kwh" DECIMAL(14,5)[] NOT NULL,
    "estimated" BOOLEAN[] NOT NULL,
    "revisionAt" TIMESTAMP(3)[] NOT NULL,
    "rawFileIds" INTEGER[] NOT NULL,
    "totalKwh" DECIMAL(16,5),
    "intervals" INTEGER NOT NULL DEFAULT 0,
    "missing" INTEGER NOT NULL DEFAULT 0,
    "estimatedCount" INTEGER NOT NULL DEFAULT 0,
    "rawFileId" INTEGER,

    CONSTRAINT "SmtIntervalDay_pkey" PRIMARY KEY ("esiid", "channel", "day")
);

CREATE INDEX IF NOT EXISTS "SmtIntervalDay_rawFileId_idx" ON "SmtIntervalDay"("rawFileId");

DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                    WHERE c.conname = 'SmtIntervalDay_rawFileId_fkey' AND n.nspname = current_schema()) THEN
        ALTER TABLE "SmtIntervalDay" ADD CONSTRAINT "SmtIntervalDay_rawFileId_fkey" FOREIGN KEY ("rawFileId")
            REFERENCES "SmtRawFile"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;

-- The explorer's global search and "ESIID contains" use a trigram index where one exists (as on SmtInterval).
DO $$
DECLARE
    trgm_ops text;
BEGIN
    SELECT quote_ident(n.nspname) || '.gin_trgm_ops' INTO trgm_ops
      FROM pg_opclass c
      JOIN pg_namespace n ON n.oid = c.opcnamespace
      JOIN pg_am am ON am.oid = c.opcmethod AND am.amname = 'gin'
     WHERE c.opcname = 'gin_trgm_ops'
     LIMIT 1;
    IF trgm_ops IS NOT NULL THEN
        EXECUTE format('CREATE INDEX IF NOT EXISTS "SmtIntervalDay_esiid_trgm_idx" ON "SmtIntervalDay" USING gin ("esiid" %s)', trgm_ops);
    END IF;
END $$;

-- Existing per-interval rows become day rows: each interval lands in its slot, unreceived slots stay NULL.
DO $$ BEGIN
    IF to_regclass('"SmtInterval"') IS NOT NULL THEN
        INSERT INTO "SmtIntervalDay" ("esiid", "channel", "day", "dayStart", "kwh", "estimated", "revisionAt",
                                      "rawFileIds", "totalKwh", "intervals", "missing", "estimatedCount", "rawFileId")
        SELECT d.esiid, d.channel, d.day, d.day_start,
               array_agg(i."kwh" ORDER BY s.slot), array_agg(i."estimated" ORDER BY s.slot),
               array_agg(i."revisionAt" ORDER BY s.slot), array_agg(i."rawFileId" ORDER BY s.slot),
               sum(i."kwh"), count(i."estimated"), count(*) FILTER (WHERE i."estimated" IS NOT NULL AND i."kwh" IS NULL),
               count(*) FILTER (WHERE i."estimated"),
               (array_agg(i."rawFileId" ORDER BY i."revisionAt" DESC NULLS LAST) FILTER (WHERE i."rawFileId" IS NOT NULL))[1]
          FROM (SELECT DISTINCT "esiid", "channel",
                       (("intervalStart" AT TIME ZONE 'UTC') AT TIME ZONE 'America/Chicago')::date AS day
                  FROM "SmtInterval") k
         CROSS JOIN LATERAL (SELECT k.esiid, k.channel, k.day,
                    (k.day::timestamp AT TIME ZONE 'America/Chicago') AT TIME ZONE 'UTC' AS day_start,
                    ((k.day + 1)::timestamp AT TIME ZONE 'America/Chicago') AT TIME ZONE 'UTC' AS next_start) d
         CROSS JOIN LATERAL generate_series(0, (extract(epoch FROM d.next_start - d.day_start) / 900)::int - 1) AS s(slot)
          LEFT JOIN "SmtInterval" i ON i."esiid" = d.esiid AND i."channel" = d.channel
                                    AND i."intervalStart" = d.day_start + s.slot * interval '15 minutes'
         GROUP BY d.esiid, d.channel, d.day, d.day_start
        ON CONFLICT ("esiid", "channel", "day") DO NOTHING;
    END IF;
END $$;
