import type { NextFunction, Request, Response } from "express";
import { clientProtocolOf } from "../observability/client-protocol.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { type RequestFacts, runWithRequestFacts } from "../observability/request-context.js";
import type { RequestLogEntry } from "../store/request-log.js";

/** Where each request's upstream work and log row go (the usage history and the request log). */
export interface RequestActivity {
  upstreamWork(facts: RequestFacts): void;
  request(entry: RequestLogEntry): void;
}

/** Where a request made with a named client token is accounted to that token. */
export interface ClientRequestSink {
  requestEnded(end: {
    client: NonNullable<RequestFacts["client"]>;
    model: string | null;
    status: number;
    tokens: RequestFacts["tokens"];
  }): void;
}

/** Requests that no route matched (refused by a guard, too large, unknown) are labelled by their area. */
const AREAS = ["/v1beta/openai", "/v1beta", "/v1", "/admin"] as const;
const CLIENT_CLOSED_REQUEST = 499;
/** Probes that arrive every few seconds; their successful lines are logged at debug level only. */
const QUIET_ROUTES = new Set(["/health", "/metrics"]);
/** An error message in the request log is cut to this many characters. */
const MAX_ERROR_LENGTH = 1_000;

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
 * The matched route's pattern. Every API router is mounted at the root, so `request.route.path` is the
 * whole pattern. (Watching the assignment with a property setter would reshape every request object,
 * which costs more than the whole rest of this middleware; see bench/README.md.)
 */
function routePattern(request: Request): string | undefined {
  const path = (request.route as { path?: unknown } | undefined)?.path;
  if (path === undefined) return undefined;
  return typeof path === "string" ? path : Array.isArray(path) ? path.join("|") : String(path);
}

/**
 * One log line and the HTTP metrics for every request, written when the response ends (for a stream,
 * its last byte): route pattern, model, status, the key that served it (by id), upstream attempts and
 * latency, tokens. What dispatch and the metrics learn on the way is gathered in the request's facts.
 */
export function observeRequests(dependencies: {
  logger: Logger;
  metrics: Metrics;
  activity?: RequestActivity;
  clients?: ClientRequestSink;
  redact?: (text: string) => string;
}) {
  const { logger, metrics, activity, clients } = dependencies;
  return (request: Request, response: Response, next: NextFunction): void => {
    const startedAt = performance.now();
    const path = request.path;
    const facts: RequestFacts = { attempts: 0 };
    response.once("close", () => {
      const route = routeLabel(routePattern(request), path);
      // 499 (as nginx says): the client left before any answer started, so no status ever went out.
      const status = response.headersSent ? response.statusCode : CLIENT_CLOSED_REQUEST;
      const seconds = (performance.now() - startedAt) / 1000;
      metrics.httpRequests.inc({ method: request.method, route, status: String(status) });
      metrics.httpDuration.observe({ route }, seconds);
      const model = typeof response.locals.model === "string" ? response.locals.model : facts.model;
      const modelLabel = model ? metrics.modelLabel(model) : null;
      const client = facts.client;
      if (client) clients?.requestEnded({ client, model: modelLabel, status, tokens: facts.tokens });
      const line = {
        requestId: response.locals.requestId,
        method: request.method,
        route,
        status,
        ...(modelLabel ? { model: modelLabel } : {}),
        ...(client ? { tokenName: client.name } : {}),
        ...(facts.keyId ? { keyId: facts.keyId } : {}),
        ...(facts.attempts > 0 ? { attempts: facts.attempts } : {}),
        ...(facts.upstreamLatencyMs !== undefined ? { upstreamLatencyMs: facts.upstreamLatencyMs } : {}),
        ...(facts.tokens ? { tokens: facts.tokens } : {}),
        durationMs: Math.round(seconds * 1000),
        // The client left before the answer was complete.
        ...(response.writableFinished ? {} : { aborted: true }),
      };
      if (activity) {
        activity.upstreamWork(facts);
        const protocol = clientProtocolOf(path);
        if (protocol) {
          const totalMs = Math.round(seconds * 1000);
          activity.request({
            time: Date.now() - totalMs,
            requestId: typeof response.locals.requestId === "string" ? response.locals.requestId : null,
            route,
            protocol,
            model: modelLabel,
            keyId: facts.keyId ?? null,
            clientToken: client?.name ?? null,
            status,
            attempts: facts.attempts,
            firstByteMs:
              facts.answerStartedAt === undefined ? null : Math.round(facts.answerStartedAt - startedAt),
            totalMs,
            tokens: facts.tokens ?? { prompt: 0, completion: 0, reasoning: 0, cached: 0 },
            error:
              facts.error === undefined
                ? null
                : (dependencies.redact?.(facts.error) ?? facts.error).slice(0, MAX_ERROR_LENGTH),
          });
        }
      }
      if (status >= 500) logger.warn(line, "request");
      else if (QUIET_ROUTES.has(route) && status < 400) logger.debug(line, "request");
      else logger.info(line, "request");
    });
    runWithRequestFacts(facts, next);
  };
}
