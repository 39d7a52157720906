/** A signal aborted when either of two is, and a way to stop listening once the request is over. */
export interface LinkedSignal {
  signal: AbortSignal;
  /** Stops listening to the long-lived signal, so finished requests do not pile up listeners on it. */
  dispose(): void;
}

/**
 * Aborted when the client leaves (`request`) or the gateway closes (`closing`), whichever comes first.
 * One controller and two listeners: `AbortSignal.any()` costs far more per request (bench/README.md).
 */
export function eitherSignal(request: AbortSignal, closing: AbortSignal): LinkedSignal {
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (request.aborted || closing.aborted) controller.abort();
  request.addEventListener("abort", abort, { once: true });
  closing.addEventListener("abort", abort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      request.removeEventListener("abort", abort);
      closing.removeEventListener("abort", abort);
    },
  };
}
