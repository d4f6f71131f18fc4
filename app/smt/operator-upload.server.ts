import { getEnv } from "~/env/env.server";
import type { IngestResult, UploadAnswer } from "./ingest-result";
import { receiveSmtFile } from "./receive.server";
import { UploadRejectedError, spoolMultipart } from "./upload.server";

export const MAX_FILES_PER_UPLOAD = 20;

/** An operator's multipart upload from the SMT page, each file received in turn; the HTTP status beside it. */
export async function receiveOperatorUpload(
  request: Request,
  actor: string,
): Promise<{ status: number; answer: UploadAnswer }> {
  let upload;
  try {
    upload = await spoolMultipart(request, {
      maxFileBytes: getEnv().smt.uploadMaxBytes,
      maxFiles: MAX_FILES_PER_UPLOAD,
    });
  } catch (error) {
    if (error instanceof UploadRejectedError)
      return { status: error.status, answer: { error: error.message, results: [] } };
    throw error;
  }
  try {
    if (upload.files.length === 0)
      return { status: 400, answer: { error: "Choose or drop at least one file.", results: [] } };
    const results: IngestResult[] = [];
    for (const file of upload.files) {
      results.push(await receiveSmtFile({ file, source: "upload", actor, action: "smt.upload" }));
    }
    return { status: 200, answer: { error: null, results } };
  } finally {
    await upload.cleanup();
  }
}
