import { randomUUID } from "node:crypto";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";
import { GatewayError } from "./errors.js";
import type { Gateway } from "./gateway.js";
import { requireAccessToken, requireAdmin } from "./http/auth.js";
import { errorHandler } from "./http/error-handler.js";
import { adminRoutes } from "./routes/admin.js";
import { chatRoutes } from "./routes/chat.js";
import { healthRoutes } from "./routes/health.js";
import { metricsRoutes } from "./routes/metrics.js";
import { modelsRoutes } from "./routes/models.js";
import { statusRoutes } from "./routes/status.js";

const SANE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** `/v1//models`, as some clients build it, is the same route as `/v1/models`. */
function collapseSlashes(request: Request, _response: Response, next: NextFunction): void {
  const queryStart = request.url.indexOf("?");
  const path = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
  if (path.includes("//")) {
    request.url = path.replace(/\/{2,}/g, "/") + (queryStart === -1 ? "" : request.url.slice(queryStart));
  }
  next();
}

function requestId(request: Request, response: Response, next: NextFunction): void {
  const offered = request.headers["x-request-id"];
  const id = typeof offered === "string" && SANE_REQUEST_ID.test(offered) ? offered : randomUUID();
  response.locals.requestId = id;
  response.setHeader("x-request-id", id);
  next();
}

/** One log line and the HTTP metrics for every request, labelled by route pattern (never by raw path). */
function observe(gateway: Gateway) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const startedAt = performance.now();
    response.once("close", () => {
      const route = request.route?.path ? `${request.baseUrl}${request.route.path}` : "unmatched";
      const status = String(response.statusCode);
      const seconds = (performance.now() - startedAt) / 1000;
      gateway.metrics.httpRequests.inc({ method: request.method, route, status });
      gateway.metrics.httpDuration.observe({ route }, seconds);
      gateway.logger.info(
        {
          requestId: response.locals.requestId,
          method: request.method,
          route,
          status: response.statusCode,
          model: response.locals.model,
          durationMs: Math.round(seconds * 1000),
        },
        "request",
      );
    });
    next();
  };
}

function cors(origin: string) {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (!origin) {
      next();
      return;
    }
    response.setHeader("access-control-allow-origin", origin);
    response.setHeader(
      "access-control-allow-headers",
      "authorization, content-type, x-goog-api-key, x-request-id, *",
    );
    response.setHeader("access-control-allow-methods", "GET, POST, DELETE, OPTIONS");
    response.setHeader("access-control-expose-headers", "x-request-id, retry-after, retry-after-ms");
    if (request.method === "OPTIONS") {
      response.status(204).end();
      return;
    }
    next();
  };
}

function notFound(request: Request, _response: Response, next: NextFunction): void {
  next(
    new GatewayError({
      status: 404,
      code: "route_not_found",
      message: `No route for ${request.method} ${request.path}`,
    }),
  );
}

/** The HTTP app: middleware and routes, nothing global. */
export function createApp(gateway: Gateway): Express {
  const { config } = gateway;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  app.use(collapseSlashes);
  app.use(requestId);
  app.use(helmet({ contentSecurityPolicy: false, crossOriginResourcePolicy: false }));
  app.use(observe(gateway));

  app.use(healthRoutes(gateway));
  app.use(metricsRoutes(gateway));
  app.use("/status", requireAdmin(config.adminToken, { loopbackWithoutToken: false }));
  app.use(statusRoutes(gateway));
  app.use("/admin", requireAdmin(config.adminToken, { loopbackWithoutToken: true }));
  app.use("/admin", express.json({ limit: "1mb" }));
  app.use(adminRoutes(gateway));

  app.use("/v1", cors(config.corsOrigin), requireAccessToken(config.accessToken, { native: false }));
  app.use("/v1", express.json({ limit: config.bodyLimit }));
  app.use(chatRoutes(gateway));
  app.use(modelsRoutes(gateway));

  app.use(notFound);
  app.use(errorHandler(gateway.logger, gateway.redact));
  return app;
}
