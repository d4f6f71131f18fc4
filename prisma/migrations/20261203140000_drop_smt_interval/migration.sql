-- The per-interval table is gone: SmtIntervalDay holds every interval (docs/decisions/022-smt-interval-day-rows.md).
-- Rows still in "SmtInterval" (written after 20261203130000_smt_interval_day by a legacy import, the demo seed or a
-- test) are merged into their day rows first, slot by slot, then the table is dropped. A slot already in a day row
-- keeps its value unless the old row carries a strictly newer revision. Re-runnable: nothing happens once the
-- table is gone, and the copy and the drop are one statement, so a failure leaves both tables as they were.
DO $$ BEGIN
    IF to_regclass('"SmtInterval"') IS NOT NULL THEN
        INSERT INTO "SmtIntervalDay" AS t ("esiid", "channel", "day", "dayStart", "kwh", "estimated", "revisionAt",
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
        ON CONFLICT ("esiid", "channel", "day") DO UPDATE
            SET ("kwh", "estimated", "revisionAt", "rawFileIds", "totalKwh", "intervals", "missing", "estimatedCount") = (
                  SELECT array_agg(m.k ORDER BY m.slot), array_agg(m.e ORDER BY m.slot),
                         array_agg(m.r ORDER BY m.slot), array_agg(m.f ORDER BY m.slot),
                         sum(m.k), count(m.e), count(*) FILTER (WHERE m.e IS NOT NULL AND m.k IS NULL),
                         count(*) FILTER (WHERE m.e)
                  FROM (SELECT u.slot,
                               CASE WHEN u.taken THEN u.nk ELSE u.ok END AS k,
                               CASE WHEN u.taken THEN u.ne ELSE u.oe END AS e,
                               CASE WHEN u.taken THEN u.nr ELSE u.orv END AS r,
                               CASE WHEN u.taken THEN u.nfile ELSE u.ofile END AS f
                          FROM (SELECT v.*, v.ne IS NOT NULL AND (v.oe IS NULL OR v.nr > COALESCE(v.orv, '-infinity'::timestamp)) AS taken
                                  FROM unnest(t."kwh", t."estimated", t."revisionAt", t."rawFileIds", EXCLUDED."kwh",
                                              EXCLUDED."estimated", EXCLUDED."revisionAt", EXCLUDED."rawFileIds")
                                    WITH ORDINALITY AS v(ok, oe, orv, ofile, nk, ne, nr, nfile, slot)) u) m),
                "rawFileId" = COALESCE(t."rawFileId", EXCLUDED."rawFileId");
        DROP TABLE "SmtInterval";
    END IF;
END $$;
