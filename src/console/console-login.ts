import { parseCookie } from "cookie";
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  Router,
} from "express";
import { z } from "zod";
import { GatewayError, invalidRequest } from "../errors.js";
import { secretsMatch } from "../http/constant-time.js";
import type { Logger } from "../observability/logger.js";
import { type ConsoleSessions, CSRF_HEADER, SESSION_COOKIE } from "./console-sessions.js";
import type { LoginThrottle } from "./login-throttle.js";

export interface ConsoleLoginOptions {
  adminToken: string | undefined;
  sessions: ConsoleSessions;
  throttle: LoginThrottle;
  /** The guard `/admin` has without a console session (Bearer ADMIN_TOKEN, or this machine only). */
  adminGuard: RequestHandler;
  logger: Logger;
}

const loginSchema = z.object({
  token: z.string().min(1, "token must be the gateway's ADMIN_TOKEN").max(4096),
});
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function sessionIdOf(request: Request): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== "string") return undefined;
  return parseCookie(header)[SESSION_COOKIE];
}

/** Whether the default `/admin` guard lets this request in (it answers by calling `next`). */
function passesGuard(guard: RequestHandler, request: Request, response: Response): Promise<boolean> {
  return new Promise((resolve) => {
    void guard(request, response, (error?: unknown) => resolve(error === undefined));
  });
}

/**
 * `/console/api/login|logout|session`: with ADMIN_TOKEN, a login with the token opens a session
 * (HttpOnly, SameSite=Strict cookie); failed logins wait longer and longer per client address. Without
 * ADMIN_TOKEN there is no login: the console answers only this machine, as `/admin` does.
 */
export function consoleLoginRoutes(options: ConsoleLoginOptions): Router {
  const { adminToken, sessions, throttle, logger } = options;
  const router = Router();
  router.use("/console/api", express.json({ limit: "16kb" }), (_request, response, next) => {
    response.setHeader("cache-control", "no-store");
    next();
  });

  router.post("/console/api/login", async (request, response) => {
    if (!adminToken) {
      throw new GatewayError({
        status: 400,
        code: "login_not_needed",
        message: "ADMIN_TOKEN is not set: the console needs no login and answers only this machine.",
      });
    }
    const parsed = loginSchema.safeParse(request.body ?? {});
    if (!parsed.success) throw invalidRequest(parsed.error.issues[0]?.message ?? "invalid body", "token");
    const address = request.socket.remoteAddress ?? "unknown";
    const wait = throttle.reserve(address);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (!secretsMatch(parsed.data.token, adminToken)) {
      throttle.failed(address);
      logger.warn({ clientAddress: address }, "console: failed login");
      throw new GatewayError({
        status: 401,
        type: "authentication_error",
        code: "invalid_admin_token",
        message: "That is not the gateway's ADMIN_TOKEN.",
      });
    }
    throttle.succeeded(address);
    const session = await sessions.open();
    response.cookie(SESSION_COOKIE, session.id, {
      httpOnly: true,
      sameSite: "strict",
      path: "/",
      maxAge: session.maxAgeSeconds * 1000,
      secure: request.secure,
    });
    logger.info({ clientAddress: address }, "console: logged in");
    response.status(204).end();
  });

  router.post("/console/api/logout", async (request, response) => {
    await sessions.close(sessionIdOf(request));
    response.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: "strict", path: "/" });
    response.status(204).end();
  });

  router.get("/console/api/session", async (request, response) => {
    if (!adminToken) {
      const allowed = await passesGuard(options.adminGuard, request, response);
      response.json({ authenticated: allowed, tokenRequired: false });
      return;
    }
    const session = await sessions.find(sessionIdOf(request));
    response.json(
      session
        ? { authenticated: true, tokenRequired: true, csrf: session.csrf }
        : { authenticated: false, tokenRequired: true },
    );
  });
  return router;
}

/**
 * Guards `/admin/*`: a console session opens it (state-changing requests also need the session's CSRF
 * token in `x-console-csrf`, which another site's page cannot read); anything else goes through the
 * default guard (Bearer ADMIN_TOKEN, or this machine only without it).
 */
export function adminOrConsoleSession(options: {
  sessions: ConsoleSessions;
  adminGuard: RequestHandler;
}): RequestHandler {
  return async (request: Request, response: Response, next: NextFunction) => {
    const session = await options.sessions.find(sessionIdOf(request));
    if (!session) return options.adminGuard(request, response, next);
    if (SAFE_METHODS.has(request.method)) return next();
    const presented = request.headers[CSRF_HEADER];
    if (typeof presented === "string" && secretsMatch(presented, session.csrf)) return next();
    next(
      new GatewayError({
        status: 403,
        type: "permission_error",
        code: "csrf_token_invalid",
        message: `A console request that changes something needs the '${CSRF_HEADER}' header from GET /console/api/session.`,
      }),
    );
  };
}
