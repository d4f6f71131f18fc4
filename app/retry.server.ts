import pRetry, { AbortError } from "p-retry";

export interface RetryOptions {
  /** Total tries, the first included. */
  attempts: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** Which failures are worth another try; anything else is final at once. */
  shouldRetry: (error: unknown) => boolean;
  /** Stops waiting and trying the moment it aborts. */
  signal?: AbortSignal;
}

/** The one retry helper: exponential backoff with jitter (p-retry). */
export function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { signal, shouldRetry } = options;
  return pRetry(
    async (attempt) => {
      try {
        return await operation(attempt);
      } catch (error) {
        if (signal?.aborted || !shouldRetry(error))
          throw new AbortError(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
    },
    {
      retries: Math.max(0, options.attempts - 1),
      minTimeout: options.minDelayMs,
      maxTimeout: options.maxDelayMs,
      factor: 2,
      randomize: true,
      signal,
    },
  );
}
