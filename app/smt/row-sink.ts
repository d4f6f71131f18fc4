import type { Written } from "./outcome";
import type { BillingRead } from "./parse/billing-csv";

/** Day rows gathered from a file, as COPY text for the stage (interval-days.ts), and what they hold. */
export interface StagedDays {
  copyText: string;
  /** Intervals offered, and the distinct slots they fill. */
  offered: number;
  received: number;
}

/** Where parsed rows go: the database writer in the file's transaction, or the port back to it from a worker. */
export interface RowSink {
  writeDays(days: StagedDays): Promise<Written>;
  billingReads(batch: BillingRead[]): Promise<Written>;
}
