-- Re-runnable. Room for the old portal's history (npm run import:legacy): ERCOT files it stored have no DocID
-- and keep their old id; raw SMT files are marked as imported; its interval kWh had 5 decimals.

ALTER TYPE "ErcotSource" ADD VALUE IF NOT EXISTS 'legacy';

ALTER TYPE "SmtFileSource" ADD VALUE IF NOT EXISTS 'legacy';

ALTER TABLE "ErcotIngest" ALTER COLUMN "docId" DROP NOT NULL;

ALTER TABLE "ErcotIngest" ADD COLUMN IF NOT EXISTS "legacyId" TEXT;

CREATE UNIQUE INDEX IF NOT EXISTS "ErcotIngest_legacyId_key" ON "ErcotIngest"("legacyId");

ALTER TABLE "SmtInterval" ALTER COLUMN "kwh" TYPE DECIMAL(14,5);
