-- The old portal's database, as its public Prisma schema built it: tables in `public`, cuid ids, its own
-- _prisma_migrations history, pg_trgm installed in public for the ESIID address index.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE TABLE public."_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE public."ErcotIngest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "status" TEXT NOT NULL,
    "note" TEXT,
    "fileUrl" TEXT,
    "fileSha256" TEXT,
    "tdsp" TEXT,
    "rowCount" INTEGER,
    "headers" JSONB,
    "error" TEXT,
    "errorDetail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "ErcotIngest_fileSha256_key" ON public."ErcotIngest"("fileSha256");

CREATE TABLE public."SmtInterval" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "esiid" TEXT NOT NULL,
    "meter" TEXT NOT NULL,
    "ts" TIMESTAMP(3) NOT NULL,
    "kwh" DECIMAL(10,5) NOT NULL,
    "filled" BOOLEAN NOT NULL DEFAULT false,
    "source" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL
);
CREATE UNIQUE INDEX "SmtInterval_esiid_meter_ts_key" ON public."SmtInterval"("esiid", "meter", "ts");

CREATE TABLE public.raw_smt_files (
    "id" BIGSERIAL PRIMARY KEY,
    "filename" TEXT NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "source" TEXT,
    "content_type" TEXT,
    "storage_path" TEXT,
    "content" BYTEA,
    "received_at" TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "raw_smt_files_sha256_key" ON public.raw_smt_files("sha256");

CREATE TABLE public."SmtBillingRead" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "rawSmtFileId" BIGINT REFERENCES public.raw_smt_files("id") ON DELETE SET NULL,
    "esiid" TEXT NOT NULL,
    "meter" TEXT,
    "tdspCode" TEXT,
    "tdspName" TEXT,
    "readStart" TIMESTAMP(3),
    "readEnd" TIMESTAMP(3),
    "billDate" TIMESTAMP(3),
    "kwhTotal" DOUBLE PRECISION,
    "kwhBilled" DOUBLE PRECISION,
    "source" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE public."ErcotEsiidIndex" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "esiid" TEXT NOT NULL,
    "tdspCode" TEXT,
    "serviceAddress1" TEXT,
    "serviceCity" TEXT,
    "serviceState" TEXT,
    "serviceZip" TEXT,
    "status" TEXT,
    "premiseType" TEXT,
    "postedAtUtc" TIMESTAMP(3),
    "normAddress" TEXT,
    "normZip" TEXT
);
CREATE UNIQUE INDEX "ErcotEsiidIndex_esiid_key" ON public."ErcotEsiidIndex"("esiid");
CREATE INDEX "ErcotEsiidIndex_normAddress_trgm_idx" ON public."ErcotEsiidIndex" USING gin ("normAddress" public.gin_trgm_ops);

CREATE TABLE public."SmtIntervalDayLedger" ("id" TEXT PRIMARY KEY, "esiid" TEXT NOT NULL, "day" DATE NOT NULL, "count" INTEGER NOT NULL);
CREATE TABLE public."SmtMeterInfo" ("id" TEXT PRIMARY KEY, "esiid" TEXT NOT NULL, "meter" TEXT NOT NULL, "kind" TEXT);
CREATE TABLE public."SmtAuthorization" ("id" TEXT PRIMARY KEY, "esiid" TEXT NOT NULL, "expiresAt" TIMESTAMP(3));
CREATE TABLE public."HouseAddress" ("id" TEXT PRIMARY KEY, "line1" TEXT NOT NULL, "zip" TEXT, "esiid" TEXT);
CREATE TABLE public."RatePlan" ("id" TEXT PRIMARY KEY, "name" TEXT NOT NULL, "centsPerKwh" DECIMAL(8,4));
