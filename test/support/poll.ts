/**
 * Waiting without sleeping a fixed time: poll until something holds or a generous deadline passes, so
 * a loaded machine makes a test slower, never wrong.
 */

const DEFAULT_TIMEOUT_MS = 10_000;

export interface PollOptions {
  /** Default 10 s: far more than anything takes on an idle machine. */
  timeoutMs?: number;
  /** Default 25 ms. */
  intervalMs?: number;
  /** What is awaited, for the timeout message. */
  what?: string;
}

/**
 * Calls `read` until it returns something other than `undefined` and returns that. A `read` that
 * throws counts as not yet; at the deadline the last error (or a timeout naming `what`) is thrown.
 */
export async function waitFor<T>(
  read: () => T | undefined | Promise<T | undefined>,
  options: PollOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let lastError: unknown;
  for (;;) {
    try {
      const found = await read();
      if (found !== undefined) return found;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const waitedFor = `timed out after ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms waiting for ${options.what ?? "a result"}`;
      if (lastError === undefined) throw new Error(waitedFor);
      // A failed expectation is the clearest message; `what` says what it was for.
      if (options.what === undefined) throw lastError;
      throw new Error(`${waitedFor}: ${lastError instanceof Error ? lastError.message : String(lastError)}`, {
        cause: lastError,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}

/** Retries a check full of `expect`s until it passes; at the deadline its last failure is thrown. */
export async function eventually(
  check: () => void | Promise<void>,
  options: PollOptions = {},
): Promise<void> {
  await waitFor(async () => {
    await check();
    return true;
  }, options);
}
