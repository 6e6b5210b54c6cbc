/**
 * Waiting in tests: always for a named condition, with a deadline — never for a fixed time. A
 * failure names what was awaited and the last value seen.
 */
export interface WaitOptions {
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** Between probes. @default 50 */
  readonly intervalMs?: number;
  /** What to add to the timeout's message, e.g. a spawned process's output. @default nothing */
  readonly context?: () => string;
}

/** Resolves with the first value of `probe` that is not undefined; rejects at the deadline. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, options: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const context = options.context?.();
      throw new Error(`timed out after ${options.timeoutMs ?? 10_000} ms waiting for ${what}${context === undefined ? '' : `\n${context}`}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}
