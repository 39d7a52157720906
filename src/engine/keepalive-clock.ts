/** Notes when the stream last wrote, and keeps it from staying silent longer than its interval. */
export interface KeepaliveClock {
  /** Something was written: the silence starts again. */
  wrote(): void;
  stop(): void;
}

/**
 * Calls `ping` once the stream has been silent for `intervalMs` (long thinking), so clients' and
 * proxies' idle timeouts (undici's body timeout is about 300 s) do not cut it. Started only inside an
 * open stream: before the status line, any byte would commit a 200 that a late 429 could no longer undo.
 * Real elapsed time (not the gateway's injectable clock, which is for key decisions).
 */
export function startKeepaliveClock(intervalMs: number, ping: () => void): KeepaliveClock {
  let lastWrite = performance.now();
  const timer = setInterval(
    () => {
      if (performance.now() - lastWrite < intervalMs) return;
      lastWrite = performance.now();
      ping();
    },
    Math.max(1, Math.floor(intervalMs / 4)),
  );
  timer.unref();
  return {
    wrote: () => {
      lastWrite = performance.now();
    },
    stop: () => clearInterval(timer),
  };
}
