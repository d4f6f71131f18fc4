/**
 * The SET clause of an `ON CONFLICT … DO UPDATE` that merges an incoming day row (EXCLUDED) into the stored one,
 * slot by slot, and recomputes the day's totals from the merged slots. `takeIncoming` is an SQL condition over
 * the stored slot (u.ok, u.oe, u.orv, u.ofile) and the incoming one (u.nk, u.ne, u.nr, u.nfile).
 * One statement shape for SMT ingest and the old portal's import, so the totals rules cannot drift apart.
 */
export function mergeDaySlotsSet(options: { stored: string; takeIncoming: string; incomingFileIds: string }): string {
  const { stored, takeIncoming, incomingFileIds } = options;
  return `SET ("kwh", "estimated", "revisionAt", "rawFileIds", "totalKwh", "intervals", "missing", "estimatedCount") = (
    SELECT array_agg(m.k ORDER BY m.slot), array_agg(m.e ORDER BY m.slot),
           array_agg(m.r ORDER BY m.slot), array_agg(m.f ORDER BY m.slot),
           sum(m.k), count(m.e), count(*) FILTER (WHERE m.e IS NOT NULL AND m.k IS NULL),
           count(*) FILTER (WHERE m.e)
    FROM (SELECT t.slot,
                 CASE WHEN t.taken THEN t.nk ELSE t.ok END AS k,
                 CASE WHEN t.taken THEN t.ne ELSE t.oe END AS e,
                 CASE WHEN t.taken THEN t.nr ELSE t.orv END AS r,
                 CASE WHEN t.taken THEN t.nfile ELSE t.ofile END AS f
          FROM (SELECT u.*, ${takeIncoming} AS taken
                FROM unnest(${stored}."kwh", ${stored}."estimated", ${stored}."revisionAt", ${stored}."rawFileIds",
                            EXCLUDED."kwh", EXCLUDED."estimated", EXCLUDED."revisionAt", ${incomingFileIds})
                  WITH ORDINALITY AS u(ok, oe, orv, ofile, nk, ne, nr, nfile, slot)) t) m)`;
}
