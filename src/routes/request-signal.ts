import type { Request, Response } from "express";

/**
 * Aborted when the client goes away before the response is complete, so the upstream request stops
 * at once instead of spending quota on an answer nobody reads.
 */
export function requestSignal(_request: Request, response: Response): AbortSignal {
  const controller = new AbortController();
  response.once("close", () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
}
