import { z } from "zod";

/**
 * What a run writes into IngestRun's JSON columns (summary, progress) and what the pages read back.
 * A plain module: the history components import these types, and rows are parsed, never cast.
 */

const kind = z.enum(["DAILY", "FUL"]);
const sourceName = z.enum(["ews", "api", "scrape"]);

/** One line of the cron answer (ops checklist): stored, already stored, or failed. */
export const fileResultSchema = z.union([
  z.object({
    tdsp: z.string(),
    kind,
    docId: z.string(),
    key: z.string(),
    bytes: z.number(),
    /** Set when the file was older than the newest of its kind: a missed run's file fetched late. */
    backfilled: z.boolean().optional(),
    warning: z.string().optional(),
  }),
  z.object({
    tdsp: z.string(),
    kind,
    docId: z.string(),
    skipped: z.literal(true),
    duplicateOf: z.string().optional(),
  }),
  z.object({ tdsp: z.string(), kind, docId: z.string(), error: z.string() }),
]);
export type FileResult = z.infer<typeof fileResultSchema>;

export const sourceAttemptSchema = z.object({
  source: sourceName,
  /** Operator-readable reason, when this source failed or listed nothing usable. */
  error: z.string().optional(),
  /** Entries this source listed but could not use (an unrecognised name or date), never dropped silently. */
  dropped: z.number().optional(),
});
export type SourceAttempt = z.infer<typeof sourceAttemptSchema>;

export const runSummarySchema = z.object({
  /** The source that answered the listing, or null when none did. */
  source: sourceName.nullable(),
  /** Each source asked, in order, with its error when it failed (the fallback trail). */
  attempts: z.array(sourceAttemptSchema),
  listed: z.number(),
  selected: z.number(),
  stored: z.number(),
  skipped: z.number(),
  failed: z.number(),
  bytes: z.number(),
  /** The TDSP codes this run was limited to (`?tdsp=`), or null for all. */
  tdsps: z.array(z.string()).nullable().default(null),
  /** Files left for the next run because this run reached its cap. */
  deferred: z.number().default(0),
  /** Listed entries that were dropped because their name or date could not be read. */
  dropped: z.number().default(0),
  /** Sentences for the operator that do not fail the run (an overdue DAILY, a ContentSize mismatch). */
  warnings: z.array(z.string()).default([]),
  results: z.array(fileResultSchema),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const runProgressSchema = z.object({
  filesDone: z.number(),
  filesTotal: z.number(),
  bytes: z.number(),
  currentFile: z.string().nullable(),
  currentBytes: z.number(),
  currentSize: z.number().nullable(),
});
export type RunProgress = z.infer<typeof runProgressSchema>;

/** A JSON column read back: the value when it has the shape, null otherwise (an old or foreign row). */
export function parseColumn<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown): T | null {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export interface RunView {
  id: number;
  trigger: "cron" | "manual" | "schedule";
  status: "running" | "succeeded" | "warning" | "partial" | "failed" | "abandoned";
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  files: number;
  bytes: number;
  source: string | null;
  error: string | null;
  progress: RunProgress | null;
  summary: RunSummary | null;
}
