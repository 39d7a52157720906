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

/**
 * Guards `/admin/*` (and `/status` when an admin token is set): with `ADMIN_TOKEN`, only its Bearer
 * opens them; without it, only clients on this machine reach `/admin/*`.
 */
export function requireAdmin(adminToken: string | undefined, options: { loopbackWithoutToken: boolean }) {
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
