-- Re-runnable: every statement is guarded (IF NOT EXISTS / duplicate_object), so a half-applied
-- migration can be marked rolled back and deployed again (docs/runbook.md).

DO $$ BEGIN
    CREATE TYPE "AlertState" AS ENUM ('ok', 'warn', 'alert');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

DO $$ BEGIN
    CREATE TYPE "AlertChannel" AS ENUM ('webhook', 'email');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

DO $$ BEGIN
    CREATE TYPE "AlertDeliveryKind" AS ENUM ('raised', 'recovered', 'test');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

DO $$ BEGIN
    CREATE TYPE "AlertDeliveryStatus" AS ENUM ('pending', 'delivered', 'failed');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

CREATE TABLE IF NOT EXISTS "AlertCheck" (
    "id" TEXT NOT NULL,
    "state" "AlertState" NOT NULL DEFAULT 'ok',
    "summary" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "changedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "checkedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "incidentId" INTEGER,

    CONSTRAINT "AlertCheck_pkey" PRIMARY KEY ("id")
);

CREATE TABLE IF NOT EXISTS "AlertIncident" (
    "id" SERIAL NOT NULL,
    "checkId" TEXT NOT NULL,
    "state" "AlertState" NOT NULL,
    "summary" TEXT NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),
    "recoverySummary" TEXT,

    CONSTRAINT "AlertIncident_pkey" PRIMARY KEY ("id")
);

CREATE TABLE IF NOT EXISTS "AlertDelivery" (
    "id" SERIAL NOT NULL,
    "incidentId" INTEGER,
    "kind" "AlertDeliveryKind" NOT NULL,
    "channel" "AlertChannel" NOT NULL,
    "status" "AlertDeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "notice" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMP(3),
    "claimedUntil" TIMESTAMP(3),

    CONSTRAINT "AlertDelivery_pkey" PRIMARY KEY ("id")
);

CREATE INDEX IF NOT EXISTS "AlertIncident_checkId_openedAt_idx" ON "AlertIncident"("checkId", "openedAt");
CREATE INDEX IF NOT EXISTS "AlertIncident_openedAt_idx" ON "AlertIncident"("openedAt");
CREATE UNIQUE INDEX IF NOT EXISTS "AlertDelivery_incidentId_kind_channel_key" ON "AlertDelivery"("incidentId", "kind", "channel");
CREATE INDEX IF NOT EXISTS "AlertDelivery_status_idx" ON "AlertDelivery"("status");
CREATE INDEX IF NOT EXISTS "AlertDelivery_createdAt_idx" ON "AlertDelivery"("createdAt");

DO $$ BEGIN
    ALTER TABLE "AlertDelivery" ADD CONSTRAINT "AlertDelivery_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "AlertIncident"("id") ON DELETE CASCADE ON UPDATE CASCADE;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
