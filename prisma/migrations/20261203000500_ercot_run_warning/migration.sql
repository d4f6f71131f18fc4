-- A run that ends without errors but with something to report (an overdue DAILY, files left for the next run).
ALTER TYPE "IngestRunStatus" ADD VALUE IF NOT EXISTS 'warning';

-- A stored file's note, e.g. a ContentSize that disagrees with a complete, valid zip.
ALTER TABLE "ErcotIngest" ADD COLUMN IF NOT EXISTS "warning" TEXT;
