-- Re-runnable: every statement is guarded (IF NOT EXISTS / duplicate_object), so a half-applied
-- migration can be marked rolled back and deployed again (docs/runbook.md).

DO $$ BEGIN
    CREATE TYPE "IngestTrigger" AS ENUM ('cron', 'manual', 'schedule');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

DO $$ BEGIN
    CREATE TYPE "IngestRunStatus" AS ENUM ('running', 'succeeded', 'partial', 'failed', 'abandoned');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

DO $$ BEGIN
    CREATE TYPE "ErcotSource" AS ENUM ('ews', 'api', 'scrape');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

DO $$ BEGIN
    CREATE TYPE "ErcotFileStatus" AS ENUM ('stored', 'failed');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

CREATE TABLE IF NOT EXISTS "IngestRun" (
    "id" SERIAL NOT NULL,
    "trigger" "IngestTrigger" NOT NULL,
    "status" "IngestRunStatus" NOT NULL DEFAULT 'running',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "leaseExpiresAt" TIMESTAMP(3) NOT NULL,
    "progress" JSONB,
    "summary" JSONB,
    "error" TEXT,

    CONSTRAINT "IngestRun_pkey" PRIMARY KEY ("id")
);

CREATE TABLE IF NOT EXISTS "ErcotIngest" (
    "id" SERIAL NOT NULL,
    "filename" TEXT NOT NULL,
    "storageKey" TEXT NOT NULL,
    "sizeBytes" BIGINT,
    "sourceUrl" TEXT NOT NULL,
    "status" "ErcotFileStatus" NOT NULL,
    "sha256" TEXT,
    "tdsp" TEXT NOT NULL,
    "docId" TEXT NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL,
    "source" "ErcotSource" NOT NULL,
    "error" TEXT,
    "runId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ErcotIngest_pkey" PRIMARY KEY ("id")
);

CREATE TABLE IF NOT EXISTS "AuditEvent" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "details" JSONB,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

CREATE INDEX IF NOT EXISTS "IngestRun_startedAt_idx" ON "IngestRun"("startedAt");

CREATE INDEX IF NOT EXISTS "IngestRun_status_idx" ON "IngestRun"("status");

CREATE UNIQUE INDEX IF NOT EXISTS "ErcotIngest_docId_key" ON "ErcotIngest"("docId");

CREATE INDEX IF NOT EXISTS "ErcotIngest_sha256_idx" ON "ErcotIngest"("sha256");

CREATE INDEX IF NOT EXISTS "ErcotIngest_tdsp_publishedAt_idx" ON "ErcotIngest"("tdsp", "publishedAt");

CREATE INDEX IF NOT EXISTS "ErcotIngest_runId_idx" ON "ErcotIngest"("runId");

CREATE INDEX IF NOT EXISTS "AuditEvent_at_idx" ON "AuditEvent"("at");

CREATE INDEX IF NOT EXISTS "AuditEvent_action_idx" ON "AuditEvent"("action");

DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'ErcotIngest_runId_fkey') THEN
        ALTER TABLE "ErcotIngest" ADD CONSTRAINT "ErcotIngest_runId_fkey" FOREIGN KEY ("runId") REFERENCES "IngestRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $$;
