/** What sources take from their surroundings, injectable for tests. */
export interface SourceDependencies {
  /** Wall clock for query windows (EWS StartTime, API postDatetimeFrom). */
  now?: () => Date;
  /** Non-fatal notes for the run log; never called with secrets. */
  onWarning?: (message: string) => void;
}
