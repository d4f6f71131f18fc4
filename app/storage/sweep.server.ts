import { getEnv } from "~/env/env.server";
import { errorMessage, logger } from "~/log/logger.server";
import { storage, type Storage } from "./index.server";

/**
 * Aborts the multipart uploads dead processes left open (Storage.closeAbandonedUploads). It never throws: a
 * failed sweep is logged and the next one (at the next boot, run or timer tick) tries again.
 */
export async function sweepAbandonedUploads(reason: string, store: Storage = storage()) {
  try {
    const { aborted, failed } = await store.closeAbandonedUploads();
    if (aborted > 0) logger().info({ aborted, reason }, "Aborted multipart uploads left open by a stopped process");
    if (failed > 0)
      logger().warn({ failed, reason }, "Could not abort some abandoned multipart uploads; the next sweep retries");
  } catch (error) {
    logger().warn({ reason, error: errorMessage(error) }, "The sweep of abandoned multipart uploads failed");
  }
}

/**
 * At boot and then every grace period: an upload too fresh to judge at boot (its process may have just died, or
 * may be another instance's) is judged again once its grace has passed.
 */
export function startAbandonedUploadSweep() {
  const config = getEnv().storage;
  if (config.driver !== "s3") return;
  void sweepAbandonedUploads("boot");
  setInterval(() => void sweepAbandonedUploads("timer"), config.abandonedUploadGraceMs).unref();
}
