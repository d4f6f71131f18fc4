-- Operators open "the day rows from this file" in the explorer: a filter on "rawFileId" shown in primary-key order.
-- An index on ("rawFileId", primary key…) hands those rows over already in that order, so a page reads 51 index
-- entries instead of sorting every row of the file (and it also serves sorting by "rawFileId"). It replaces the
-- single-column index, which it covers for the foreign key's ON DELETE SET NULL.
-- Re-runnable: IF NOT EXISTS / IF EXISTS, unqualified names (search_path decides the schema).
CREATE INDEX IF NOT EXISTS "SmtIntervalDay_rawFileId_esiid_channel_day_idx"
    ON "SmtIntervalDay"("rawFileId", "esiid", "channel", "day");
DROP INDEX IF EXISTS "SmtIntervalDay_rawFileId_idx";
