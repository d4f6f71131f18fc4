-- ESIID prefix search (docs/esiid.md): a C-collation btree serves both the prefix range and ORDER BY esiid,
-- so a prefix matching millions of premises stops at the first page instead of sorting them all.
-- text_pattern_ops served the range but not the order. Re-runnable: every statement is guarded.
DROP INDEX IF EXISTS "EsiidPremise_esiid_idx";
CREATE INDEX IF NOT EXISTS "EsiidPremise_esiid_c_idx" ON "EsiidPremise" ("esiid" COLLATE "C");
