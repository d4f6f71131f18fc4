-- The ESIID premise index (docs/esiid.md). Re-runnable: every statement is guarded.
-- EsiidPremise is partitioned by TDSP so that a FUL extract replaces one TDSP's snapshot by swapping a
-- partition loaded and indexed beside it; pg_trgm backs the free-text address search.

-- In public, which every connection's search_path ends with (app/db/connection.server.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE TABLE IF NOT EXISTS "EsiidPremise" (
    "esiid" TEXT NOT NULL,
    "address" TEXT,
    "addressOverflow" TEXT,
    "city" TEXT,
    "state" TEXT,
    "zipcode" TEXT,
    "county" TEXT,
    "duns" TEXT,
    "meterReadCycle" TEXT,
    "status" TEXT,
    "premiseType" TEXT,
    "powerRegion" TEXT,
    "stationCode" TEXT,
    "stationName" TEXT,
    "metered" TEXT,
    "openServiceOrders" TEXT,
    "polrCustomerClass" TEXT,
    "settlementAmsIndicator" TEXT,
    "tdspAmsIndicator" TEXT,
    "switchHoldIndicator" TEXT,
    "premiseSubtypeCode" TEXT,
    "premiseSubtypeDesc" TEXT,
    "tdsp" TEXT NOT NULL,
    "searchText" TEXT NOT NULL,
    "sourceDocId" TEXT NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL,
    "lastChangedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EsiidPremise_pkey" PRIMARY KEY ("tdsp", "esiid")
) PARTITION BY LIST ("tdsp");

-- A FUL's staging table gets these same indexes before it is attached, so the swap builds nothing.
CREATE INDEX IF NOT EXISTS "EsiidPremise_esiid_idx" ON "EsiidPremise" ("esiid" text_pattern_ops);
CREATE INDEX IF NOT EXISTS "EsiidPremise_searchText_idx" ON "EsiidPremise" USING GIN ("searchText" gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "EsiidPremise_zip5_idx" ON "EsiidPremise" (left("zipcode", 5));
CREATE INDEX IF NOT EXISTS "EsiidPremise_city_idx" ON "EsiidPremise" ("city");

CREATE TABLE IF NOT EXISTS "EsiidPremiseChange" (
    "id" BIGSERIAL NOT NULL,
    "esiid" TEXT NOT NULL,
    "tdsp" TEXT NOT NULL,
    "docId" TEXT NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "changes" JSONB NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EsiidPremiseChange_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX IF NOT EXISTS "EsiidPremiseChange_esiid_docId_key" ON "EsiidPremiseChange" ("esiid", "docId");
CREATE INDEX IF NOT EXISTS "EsiidPremiseChange_esiid_publishedAt_idx" ON "EsiidPremiseChange" ("esiid", "publishedAt");
CREATE INDEX IF NOT EXISTS "EsiidPremiseChange_docId_idx" ON "EsiidPremiseChange" ("docId");

CREATE TABLE IF NOT EXISTS "EsiidSnapshot" (
    "tdsp" TEXT NOT NULL,
    "partitionName" TEXT NOT NULL,
    "fulDocId" TEXT,
    "fulPublishedAt" TIMESTAMP(3),
    "rows" INTEGER NOT NULL DEFAULT 0,
    "loadedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EsiidSnapshot_pkey" PRIMARY KEY ("tdsp")
);

CREATE TABLE IF NOT EXISTS "EsiidExtractFile" (
    "docId" TEXT NOT NULL,
    "tdsp" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "layout" INTEGER,
    "rows" INTEGER NOT NULL DEFAULT 0,
    "changes" INTEGER NOT NULL DEFAULT 0,
    "message" TEXT,
    "processedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EsiidExtractFile_pkey" PRIMARY KEY ("docId")
);

CREATE INDEX IF NOT EXISTS "EsiidExtractFile_tdsp_publishedAt_idx" ON "EsiidExtractFile" ("tdsp", "publishedAt");
