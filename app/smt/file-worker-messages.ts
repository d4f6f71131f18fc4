import type { FileToLoad } from "./load-file.server";
import type { SettledOutcome, Written } from "./outcome";
import type { BillingRead } from "./parse/billing-csv";
import type { StagedDays } from "./row-sink";

/** What the worker thread is given: the spooled file to read, and the esiid its sender declared. */
export interface FileWorkerJob extends FileToLoad {
  declaredEsiid?: string;
}

/** Rows for the main thread to write in the file's transaction. */
export type WriteRequest = { kind: "days"; days: StagedDays } | { kind: "billing"; batch: BillingRead[] };

/** Worker → main thread: a numbered write request, or the file's outcome after the last row. */
export type FromWorker = (WriteRequest & { id: number }) | { kind: "done"; settled: SettledOutcome };

/** Main thread → worker: the answer to request `id`. */
export interface ToWorker {
  id: number;
  written: Written;
}
