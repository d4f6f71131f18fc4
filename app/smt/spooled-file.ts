/** Bytes kept from the start of every file: enough to detect its kind (app/smt/parse/detect.ts). */
export const HEAD_BYTES = 4096;

/** A file written to a temporary folder while its SHA-256, size and first bytes were taken on the way. */
export interface SpooledFile {
  path: string;
  /** The sender's basename, made safe (see safeBasename); never used as a path. */
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  head: Buffer;
}
