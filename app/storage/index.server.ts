import path from "node:path";
import { getEnv } from "~/env/env.server";
import { LocalStorage } from "./local.server";
import { S3Storage } from "./s3.server";
import type { Storage } from "./storage.server";
import { postgresUploadJournal } from "./upload-journal.server";

export type { Storage, StoredObject, ObjectInfo } from "./storage.server";

let cached: Storage | undefined;

/** S3 when S3_* / DO_SPACES_* are set, local files under .data/objects otherwise. */
export function storage(): Storage {
  if (cached) return cached;
  const config = getEnv().storage;
  cached =
    config.driver === "s3"
      ? new S3Storage(config, { journal: postgresUploadJournal, graceMs: config.abandonedUploadGraceMs })
      : new LocalStorage(path.resolve(process.env.PORTAL_DATA_DIR ?? ".data", "objects"));
  return cached;
}
