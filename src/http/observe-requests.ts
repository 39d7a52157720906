import type { NextFunction, Request, Response } from "express";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { type RequestFacts, runWithRequestFacts } from "../observability/request-context.js";

/** Requests that no route matched (refused by a guard, too large, unknown) are labelled by their area. */
const AREAS = ["/v1beta/openai", "/v1beta", "/v1", "/admin"] as const;
const CLIENT_CLOSED_REQUEST = 499;
/** Probes that arrive every few seconds; their successful lines are logged at debug level only. */
const QUIET_ROUTES = new Set(["/health", "/metrics"]);

/**
 * The route label: the matched route's pattern (`/v1/models/:id`), never the raw path, which can hold
 * ids, model names or anything a client typed.
 */
function routeLabel(pattern: string | undefined, path: string): string {
  if (pattern) return pattern;
  for (const area of AREAS) {
    if (path === area || path.startsWith(`${area}/`)) return `${area}/*`;
  }
  return "unmatched";
}

/**
 * Express sets `request.route` when a route matches; `request.baseUrl` is right only at that moment
 * (a router restores it when an error leaves it), so the full pattern is taken then.
 */
function captureRoutePattern(request: Request): () => string | undefined {
  let route: unknown;
  let pattern: string | undefined;
  Object.defineProperty(request, "route", {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: unknown) {
      route = value;
      const path = (value as { path?: unknown } | undefined)?.path;
      if (path === undefined) return;
      const text = typeof path === "string" ? path : Array.isArray(path) ? path.join("|") : String(path);
      pattern = `${request.baseUrl}${text}`;
    },
  });
  return () => pattern;
}

/**
 * One log line and the HTTP metrics for every request, written when the response ends (for a stream,
 * its last byte): route pattern, model, status, the key that served it (by id), upstream attempts and
 * latency, tokens. What dispatch and the metrics learn on the way is gathered in the request's facts.
 */
export function observeRequests(dependencies: { logger: Logger; metrics: Metrics }) {
  const { logger, metrics } = dependencies;
  return (request: Request, response: Response, next: NextFunction): void => {
    const startedAt = performance.now();
    const path = request.path;
    const pattern = captureRoutePattern(request);
    const facts: RequestFacts = { attempts: 0 };
    response.once("close", () => {
      const route = routeLabel(pattern(), path);
      // 499 (as nginx says): the client left before any answer started, so no status ever went out.
      const status = response.headersSent ? response.statusCode : CLIENT_CLOSED_REQUEST;
      const seconds = (performance.now() - startedAt) / 1000;
      metrics.httpRequests.inc({ method: request.method, route, status: String(status) });
      metrics.httpDuration.observe({ route }, seconds);
      const model = typeof response.locals.model === "string" ? response.locals.model : facts.model;
      const line = {
        requestId: response.locals.requestId,
        method: request.method,
        route,
        status,
        ...(model ? { model: metrics.modelLabel(model) } : {}),
        ...(facts.keyId ? { keyId: facts.keyId } : {}),
        ...(facts.attempts > 0 ? { attempts: facts.attempts } : {}),
        ...(facts.upstreamLatencyMs !== undefined ? { upstreamLatencyMs: facts.upstreamLatencyMs } : {}),
        ...(facts.tokens ? { tokens: facts.tokens } : {}),
        durationMs: Math.round(seconds * 1000),
        // The client left before the answer was complete.
        ...(response.writableFinished ? {} : { aborted: true }),
      };
      if (status >= 500) logger.warn(line, "request");
      else if (QUIET_ROUTES.has(route) && status < 400) logger.debug(line, "request");
      else logger.info(line, "request");
    });
    runWithRequestFacts(facts, next);
  };
}
