-- Re-runnable: every statement is guarded (IF NOT EXISTS / duplicate_object), so a half-applied
-- migration can be marked rolled back and deployed again (docs/runbook.md).

DO $$ BEGIN
    CREATE TYPE "SmtFileSource" AS ENUM ('upload', 'webhook');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

DO $$ BEGIN
    CREATE TYPE "SmtFileStatus" AS ENUM ('received', 'parsed', 'failed');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

DO $$ BEGIN
    CREATE TYPE "SmtChannel" AS ENUM ('consumption', 'generation');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

CREATE TABLE IF NOT EXISTS "SmtRawFile" (
    "id" SERIAL NOT NULL,
    "sha256" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "sizeBytes" BIGINT NOT NULL,
    "storageKey" TEXT NOT NULL,
    "source" "SmtFileSource" NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" "SmtFileStatus" NOT NULL DEFAULT 'received',
    "kind" TEXT,
    "esiid" TEXT,
    "meter" TEXT,
    "head" BYTEA,
    "rowsParsed" INTEGER NOT NULL DEFAULT 0,
    "rowsInserted" INTEGER NOT NULL DEFAULT 0,
    "rowsUpdated" INTEGER NOT NULL DEFAULT 0,
    "rowsSkipped" INTEGER NOT NULL DEFAULT 0,
    "warnings" JSONB,
    "errors" JSONB,

    CONSTRAINT "SmtRawFile_pkey" PRIMARY KEY ("id")
);

CREATE TABLE IF NOT EXISTS "SmtInterval" (
    "esiid" TEXT NOT NULL,
    "channel" "SmtChannel" NOT NULL,
    "intervalStart" TIMESTAMP(3) NOT NULL,
    "kwh" DECIMAL(12,4),
    "estimated" BOOLEAN NOT NULL DEFAULT false,
    "revisionAt" TIMESTAMP(3),
    "rawFileId" INTEGER,

    CONSTRAINT "SmtInterval_pkey" PRIMARY KEY ("esiid","channel","intervalStart")
);

CREATE UNIQUE INDEX IF NOT EXISTS "SmtRawFile_sha256_key" ON "SmtRawFile"("sha256");

CREATE INDEX IF NOT EXISTS "SmtRawFile_receivedAt_idx" ON "SmtRawFile"("receivedAt");

CREATE INDEX IF NOT EXISTS "SmtInterval_rawFileId_idx" ON "SmtInterval"("rawFileId");

DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'SmtInterval_rawFileId_fkey') THEN
        ALTER TABLE "SmtInterval" ADD CONSTRAINT "SmtInterval_rawFileId_fkey" FOREIGN KEY ("rawFileId") REFERENCES "SmtRawFile"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;
