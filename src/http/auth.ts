import { isIP } from "node:net";
import type { NextFunction, Request, Response } from "express";
import { GatewayError } from "../errors.js";
import { secretsMatch } from "./constant-time.js";

function bearerToken(request: Request): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== "string") return undefined;
  const match = header.match(/^Bearer\s+(.+)$/i);
  return match?.[1]?.trim();
}

/** The client's token on native Gemini routes: Bearer, `x-goog-api-key`, or `?key=`, as Gemini SDKs send it. */
export function nativeClientToken(request: Request): string | undefined {
  const header = request.headers["x-goog-api-key"];
  if (typeof header === "string" && header) return header;
  const query = request.query.key;
  if (typeof query === "string" && query) return query;
  return bearerToken(request);
}

/**
 * The client's token on the OpenAI- and Anthropic-shaped routes: Bearer, or `x-api-key` as Anthropic
 * clients send it (Claude Code with `ANTHROPIC_API_KEY`).
 */
export function apiClientToken(request: Request): string | undefined {
  const header = request.headers["x-api-key"];
  return bearerToken(request) ?? (typeof header === "string" && header ? header : undefined);
}

/** Headers a reverse proxy adds; a request carrying one came from elsewhere, whatever its socket says. */
const FORWARDING_HEADERS = ["forwarded", "x-forwarded-for", "x-real-ip"] as const;

/**
 * Whether the client is on this machine: the socket's peer is a loopback address and no proxy
 * forwarded the request (a reverse proxy on the same host connects from loopback for every client).
 */
export function isLoopbackClient(request: Pick<Request, "socket" | "headers">): boolean {
  const address = request.socket.remoteAddress ?? "";
  const loopback = address === "::1" || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(address);
  return loopback && FORWARDING_HEADERS.every((name) => request.headers[name] === undefined);
}

/** Fetch Metadata values a browser sends for a request its own page, or its user, made. */
const OWN_SITE_FETCHES = new Set(["same-origin", "none"]);

/**
 * Whether a browser sent this request on behalf of a page of another origin (a cross-site form or
 * fetch): `Sec-Fetch-Site` says so in current browsers, `Origin` in older ones. Tools such as curl send
 * neither.
 */
export function isCrossSiteBrowserRequest(request: Pick<Request, "headers">): boolean {
  const fetchSite = request.headers["sec-fetch-site"];
  if (typeof fetchSite === "string" && !OWN_SITE_FETCHES.has(fetchSite.toLowerCase())) return true;
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    // `Origin: null` (sandboxed frames, file: pages) and anything unreadable are not this origin.
    return true;
  }
}

/**
 * Whether the `Host` header names something other than this machine: an IP address (which no DNS
 * answer can rebind), `localhost`, or the configured `HOST`. A page whose DNS name was rebound to
 * 127.0.0.1 sends its own name here.
 */
export function hasForeignHost(request: Pick<Request, "headers">, configuredHost: string): boolean {
  const header = request.headers.host;
  // Browsers always send Host; a request without one (HTTP/1.0 tools) is no rebound page.
  if (typeof header !== "string" || header === "") return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${header}`).hostname.toLowerCase();
  } catch {
    return true;
  }
  const bare = hostname.replace(/^\[|\]$/g, "");
  if (isIP(bare) !== 0) return false;
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return false;
  return hostname !== configuredHost.toLowerCase();
}

/**
 * Guards `/admin/*`, `/status` and the console: with `ADMIN_TOKEN`, only its Bearer opens them (a web
 * page cannot send it). Without it, the browser is the risk: a page of another site posting to
 * `/admin` (no preflight for `text/plain`), or a rebound DNS name reading `/status`, would count as
 * this machine; such requests are refused. `/admin/*` also needs a client on this machine.
 */
export function requireAdmin(
  adminToken: string | undefined,
  options: { loopbackWithoutToken: boolean; configuredHost: string },
) {
  return (request: Request, _response: Response, next: NextFunction) => {
    if (adminToken) {
      if (secretsMatch(bearerToken(request), adminToken)) return next();
      return next(
        new GatewayError({
          status: 401,
          type: "authentication_error",
          code: "invalid_admin_token",
          message: "This route needs 'Authorization: Bearer <ADMIN_TOKEN>'.",
        }),
      );
    }
    if (hasForeignHost(request, options.configuredHost)) {
      return next(
        new GatewayError({
          status: 403,
          type: "permission_error",
          code: "admin_foreign_host",
          message:
            "Without ADMIN_TOKEN, admin routes answer only requests addressed to this machine (an IP address, localhost or HOST); set ADMIN_TOKEN to use another name.",
        }),
      );
    }
    if (isCrossSiteBrowserRequest(request)) {
      return next(
        new GatewayError({
          status: 403,
          type: "permission_error",
          code: "admin_cross_site",
          message:
            "Admin routes refuse requests a web page of another site sends; open them directly, or set ADMIN_TOKEN.",
        }),
      );
    }
    if (!options.loopbackWithoutToken || isLoopbackClient(request)) return next();
    next(
      new GatewayError({
        status: 403,
        type: "permission_error",
        code: "admin_loopback_only",
        message:
          "Admin routes answer only clients on this machine (not through a proxy) unless ADMIN_TOKEN is set.",
      }),
    );
  };
}
