-- Server-side operator sessions: sign-out deletes the row, so a copied cookie dies with it.
CREATE TABLE IF NOT EXISTS "OperatorSession" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OperatorSession_pkey" PRIMARY KEY ("id")
);

CREATE INDEX IF NOT EXISTS "OperatorSession_expiresAt_idx" ON "OperatorSession"("expiresAt");
