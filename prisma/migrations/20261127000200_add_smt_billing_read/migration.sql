-- Re-runnable: every statement is guarded (IF NOT EXISTS / duplicate_object), so a half-applied
-- migration can be marked rolled back and deployed again (docs/runbook.md).

CREATE TABLE IF NOT EXISTS "SmtBillingRead" (
    "id" SERIAL NOT NULL,
    "esiid" TEXT NOT NULL,
    "meter" TEXT NOT NULL DEFAULT '',
    "readStart" DATE NOT NULL,
    "readEnd" DATE NOT NULL,
    "kwh" DECIMAL(14,4),
    "extra" JSONB,
    "rawFileId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SmtBillingRead_pkey" PRIMARY KEY ("id")
);

CREATE INDEX IF NOT EXISTS "SmtBillingRead_rawFileId_idx" ON "SmtBillingRead"("rawFileId");

CREATE UNIQUE INDEX IF NOT EXISTS "SmtBillingRead_esiid_meter_readStart_readEnd_key" ON "SmtBillingRead"("esiid", "meter", "readStart", "readEnd");

DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'SmtBillingRead_rawFileId_fkey') THEN
        ALTER TABLE "SmtBillingRead" ADD CONSTRAINT "SmtBillingRead_rawFileId_fkey" FOREIGN KEY ("rawFileId") REFERENCES "SmtRawFile"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;
