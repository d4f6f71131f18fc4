/** What sources take from their surroundings, injectable for tests. */
export interface SourceDependencies {
  /** Wall clock for query windows (EWS StartTime, API postDatetimeFrom). */
  now?: () => Date;
  /** Monotonic-ish milliseconds for request pacing. */
  clockMs?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Non-fatal notes for the run log; never called with secrets. */
  onWarning?: (message: string) => void;
}
