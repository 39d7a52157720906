import { randomUUID } from "node:crypto";
import express, { type Express, type NextFunction, type Request, type Response, type Router } from "express";
import helmet from "helmet";
import { adminOrConsoleSession, consoleLoginRoutes } from "./console/console-login.js";
import { consoleRoutes } from "./console/serve-console.js";
import { GatewayError } from "./errors.js";
import type { Gateway } from "./gateway.js";
import { requireAdmin } from "./http/auth.js";
import { requireClientToken } from "./http/client-auth.js";
import { cors } from "./http/cors.js";
import { errorHandler } from "./http/error-handler.js";
import { observeRequests } from "./http/observe-requests.js";
import { refuseDeepJson } from "./http/refuse-deep-json.js";
import { configSecrets } from "./observability/config-secrets.js";
import { neverLog } from "./observability/logger.js";
import { anthropicErrorEnvelope } from "./protocols/anthropic-messages/error-envelope.js";
import { anthropicMessagesRoutes } from "./protocols/anthropic-messages/route.js";
import { geminiErrorEnvelope } from "./protocols/gemini-native/error-envelope.js";
import { openAIErrorEnvelope } from "./protocols/openai-chat/error-envelope.js";
import { openAIChatRoutes } from "./protocols/openai-chat/route.js";
import { openAIResponsesRoutes } from "./protocols/openai-responses/route.js";
import { adminRoutes } from "./routes/admin.js";
import { adminActivityRoutes } from "./routes/admin-activity.js";
import { adminAlertsRoutes } from "./routes/admin-alerts.js";
import { adminKeysRoutes } from "./routes/admin-keys.js";
import { adminTokensRoutes } from "./routes/admin-tokens.js";
import { embeddingsRoutes } from "./routes/embeddings.js";
import { healthRoutes } from "./routes/health.js";
import { metricsRoutes } from "./routes/metrics.js";
import { modelsRoutes } from "./routes/models.js";
import { nativeRoutes, nativeVersionHintRoutes } from "./routes/native.js";
import { openaiCompatRoutes } from "./routes/openai-compat.js";
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

/**
 * Runs `router` only for paths at or under one of `prefixes` (matched without regard to case, as
 * Express matches routes), leaving the URL whole for the router's own full paths.
 */
function onlyUnder(prefixes: readonly string[], router: Router) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const path = request.path.toLowerCase();
    const under = prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
    if (under) router(request, response, next);
    else next();
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
  // Keys and tokens never reach a log line or a metric label, whatever message carries them.
  const settingsSecrets = configSecrets(config);
  for (const secrets of [() => gateway.pool.secrets(), () => settingsSecrets]) {
    neverLog(gateway.logger, secrets);
    gateway.metrics.neverLabel(secrets);
  }
  const app = express();
  app.disable("x-powered-by");
  // API clients never send If-None-Match; hashing every JSON body for an ETag is wasted work.
  app.set("etag", false);
  app.set("trust proxy", false);
  app.use(collapseSlashes);
  app.use(requestId);
  app.use(helmet({ contentSecurityPolicy: false, crossOriginResourcePolicy: false }));
  app.use(
    observeRequests({
      logger: gateway.logger,
      metrics: gateway.metrics,
      activity: gateway.activity,
      clients: gateway.clientUsage,
      redact: gateway.redact,
    }),
  );

  // The operator's routes live in one router that a client request never walks: Express tries each
  // route of each router in turn, and walking these dozens of routes cost every API request about a
  // tenth of its CPU (bench/compare.mjs: 335 → 296 µs per request at saturation).
  const operations = express.Router();
  app.use(onlyUnder(["/health", "/metrics", "/status", "/admin", "/console"], operations));
  operations.use(healthRoutes(gateway.pool));
  operations.use(metricsRoutes(gateway.metrics.registry));
  operations.use(
    "/status",
    requireAdmin(config.adminToken, { loopbackWithoutToken: false, configuredHost: config.host }),
  );
  operations.use(statusRoutes(gateway.pool));
  const adminGuard = requireAdmin(config.adminToken, {
    loopbackWithoutToken: true,
    configuredHost: config.host,
  });
  // The console's login; a console session then opens /admin like the token does.
  operations.use(
    consoleLoginRoutes({
      adminToken: config.adminToken,
      sessions: gateway.sessions,
      throttle: gateway.loginThrottle,
      adminGuard,
      logger: gateway.logger,
    }),
  );
  operations.use("/admin", adminOrConsoleSession({ sessions: gateway.sessions, adminGuard }));
  operations.use("/admin", express.json({ limit: "2mb" }));
  const keyViews = adminKeysRoutes({
    pool: gateway.pool,
    keys: gateway.keys,
    activity: gateway.activity,
    probeKey: (keyId, model, signal) => gateway.prober.probe(keyId, model, signal),
    logger: gateway.logger,
    sseKeepaliveMs: config.sseKeepaliveMs,
  });
  operations.use(keyViews.router);
  operations.use(
    adminActivityRoutes({
      activity: gateway.activity,
      poolCounts: () => gateway.pool.counts(),
      keyViews: keyViews.viewsOf,
      onKeyChange: (listener) => gateway.onKeyChange(listener),
      onTokenChange: (listener) => gateway.clientTokens.onChange(listener),
      historyDays: config.historyDays,
      sseKeepaliveMs: config.sseKeepaliveMs,
      now: gateway.now,
      logger: gateway.logger,
    }),
  );
  operations.use(
    adminTokensRoutes({ tokens: gateway.clientTokens, usage: gateway.clientUsage, now: gateway.now }),
  );
  operations.use(adminAlertsRoutes(gateway.alerts));
  operations.use(adminRoutes(gateway));
  operations.use(consoleRoutes({ adminToken: config.adminToken, configuredHost: config.host }));

  // A Gemini SDK left on its default /v1 hears where the native API lives (before the /v1 token check).
  app.use(nativeVersionHintRoutes());
  const clientGuard = (native: boolean) =>
    requireClientToken({
      accessToken: config.accessToken,
      tokens: gateway.clientTokens,
      native,
      now: gateway.now,
    });
  app.use("/v1", cors(config.corsOrigin), clientGuard(false));
  app.use("/v1", express.json({ limit: config.bodyLimit, verify: refuseDeepJson() }));
  // Native routes take the client's token as Gemini SDKs send their key: Bearer, x-goog-api-key or ?key=.
  app.use("/v1beta", cors(config.corsOrigin), clientGuard(true));
  app.use(
    openAIChatRoutes({
      engine: gateway.engine,
      lookupSignatures: (toolCallIds) => gateway.lookupSignatures(toolCallIds),
      settings: config,
    }),
  );
  app.use(
    anthropicMessagesRoutes({
      engine: gateway.engine,
      lookupSignatures: (toolUseIds) => gateway.lookupSignatures(toolUseIds),
      countTokens: (model, body, signal) => gateway.tokenCounter.count(model, body, signal),
      settings: config,
    }),
  );
  app.use(
    openAIResponsesRoutes({
      engine: gateway.engine,
      responses: gateway.responses,
      lookupSignatures: (callIds) => gateway.lookupSignatures(callIds),
      settings: config,
    }),
  );
  app.use(modelsRoutes(gateway.models));
  app.use(embeddingsRoutes(gateway.embeddings, config));
  app.use(openaiCompatRoutes(gateway.relay, config));
  app.use(nativeRoutes(gateway.relay, config));

  app.use(notFound);
  app.use(
    errorHandler({
      logger: gateway.logger,
      redact: gateway.redact,
      // The protocol whose routes hold the path writes the error; the most specific mount first.
      envelopes: [
        { mount: "/v1/messages", envelope: anthropicErrorEnvelope },
        { mount: "/v1beta/openai", envelope: openAIErrorEnvelope },
        { mount: "/v1beta", envelope: geminiErrorEnvelope },
      ],
      fallback: openAIErrorEnvelope,
    }),
  );
  return app;
}
