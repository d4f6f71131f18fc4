-- Re-runnable: every statement is guarded (IF NOT EXISTS), so a half-applied migration can be deployed again.

CREATE TABLE IF NOT EXISTS "StorageUpload" (
    "uploadId" TEXT NOT NULL,
    "bucket" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "touchedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StorageUpload_pkey" PRIMARY KEY ("uploadId")
);

CREATE INDEX IF NOT EXISTS "StorageUpload_touchedAt_idx" ON "StorageUpload"("touchedAt");
