-- Trigram (pg_trgm) GIN indexes on the text columns operators search in the explorer: filenames and ESIIDs.
-- They serve ILIKE '%…%' (the global search, "contains") and LIKE '…%' ("starts with").
-- Re-runnable: IF NOT EXISTS everywhere. Table names are unqualified (they resolve through search_path), and the
-- operator class is looked up wherever the extension lives, so nothing names a schema.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

DO $$
DECLARE
    trgm_ops text;
    target record;
BEGIN
    SELECT quote_ident(n.nspname) || '.gin_trgm_ops' INTO trgm_ops
      FROM pg_opclass c
      JOIN pg_namespace n ON n.oid = c.opcnamespace
      JOIN pg_am am ON am.oid = c.opcmethod AND am.amname = 'gin'
     WHERE c.opcname = 'gin_trgm_ops'
     LIMIT 1;
    FOR target IN
        SELECT * FROM (VALUES
            ('ErcotIngest', 'filename'),
            ('SmtRawFile', 'filename'),
            ('SmtRawFile', 'esiid'),
            ('SmtInterval', 'esiid'),
            ('SmtBillingRead', 'esiid')
        ) AS t(table_name, column_name)
    LOOP
        -- A table another migration renamed or replaced is skipped, not an error.
        IF to_regclass(quote_ident(target.table_name)) IS NOT NULL THEN
            EXECUTE format(
                'CREATE INDEX IF NOT EXISTS %I ON %I USING gin (%I %s)',
                target.table_name || '_' || target.column_name || '_trgm_idx',
                target.table_name, target.column_name, trgm_ops
            );
        END IF;
    END LOOP;
END $$;
