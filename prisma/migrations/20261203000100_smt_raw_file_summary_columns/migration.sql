-- Re-runnable: columns are added IF NOT EXISTS, and only rows still in the old shape (warnings/errors as
-- {count, items, firstDay, lastDay, esiids} objects) are moved, so a second run changes nothing.
-- Table names are unqualified: the connection's search_path decides the schema.

ALTER TABLE "SmtRawFile" ADD COLUMN IF NOT EXISTS "firstDay" DATE;
ALTER TABLE "SmtRawFile" ADD COLUMN IF NOT EXISTS "lastDay" DATE;
ALTER TABLE "SmtRawFile" ADD COLUMN IF NOT EXISTS "esiids" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "SmtRawFile" ADD COLUMN IF NOT EXISTS "warningCount" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "SmtRawFile" ADD COLUMN IF NOT EXISTS "errorCount" INTEGER NOT NULL DEFAULT 0;

UPDATE "SmtRawFile"
SET "firstDay" = NULLIF("warnings"->>'firstDay', '')::date,
    "lastDay" = NULLIF("warnings"->>'lastDay', '')::date,
    "esiids" = COALESCE(ARRAY(SELECT jsonb_array_elements_text(
        CASE WHEN jsonb_typeof("warnings"->'esiids') = 'array' THEN "warnings"->'esiids' ELSE '[]'::jsonb END)), ARRAY[]::TEXT[]),
    "warningCount" = COALESCE(("warnings"->>'count')::int, 0),
    "warnings" = COALESCE("warnings"->'items', '[]'::jsonb)
WHERE jsonb_typeof("warnings") = 'object';

UPDATE "SmtRawFile"
SET "errorCount" = COALESCE(("errors"->>'count')::int, 0),
    "errors" = COALESCE("errors"->'items', '[]'::jsonb)
WHERE jsonb_typeof("errors") = 'object';
