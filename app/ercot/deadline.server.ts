/** Why an ERCOT run or file was stopped early; the message is what the run row and the operator see. */
export class DeadlineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeadlineError";
  }
}

export interface Deadline {
  /** Aborts at the deadline, or as soon as the parent aborts (with the parent's reason). */
  signal: AbortSignal;
  dispose(): void;
}

/** A child signal of `parent` that also aborts with `message` after `ms`. */
export function startDeadline(parent: AbortSignal, ms: number, message: string): Deadline {
  const controller = new AbortController();
  const followParent = () => controller.abort(parent.reason);
  if (parent.aborted) followParent();
  else parent.addEventListener("abort", followParent, { once: true });
  const timer = setTimeout(() => controller.abort(new DeadlineError(message)), ms);
  timer.unref();
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      parent.removeEventListener("abort", followParent);
    },
  };
}

/** A file's deadline: a fixed allowance plus its size at the minimum throughput (the allowance alone if unknown). */
export function fileDeadlineMs(
  sizeBytes: number | null,
  deadlines: { minBytesPerSecond: number; fileAllowanceMs: number },
) {
  return deadlines.fileAllowanceMs + Math.ceil(((sizeBytes ?? 0) / deadlines.minBytesPerSecond) * 1000);
}
