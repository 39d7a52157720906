import type { NextFunction, Request, Response } from "express";

/** `CORS_ORIGIN` values that turn CORS off. */
const OFF = new Set(["off", "none", "false", "0"]);

/**
 * CORS for browser clients of the API, from `CORS_ORIGIN`: `*` (any origin, the default), a
 * comma-separated list of origins (the request's origin is echoed when listed), or `off`. Preflight
 * requests are answered here, before any token check, as browsers send them without credentials.
 */
export function cors(setting: string) {
  const value = setting.trim();
  const disabled = value === "" || OFF.has(value.toLowerCase());
  const anyOrigin = value === "*";
  const allowed = new Set(
    value
      .split(",")
      .map((origin) => origin.trim().replace(/\/+$/, ""))
      .filter(Boolean),
  );
  return (request: Request, response: Response, next: NextFunction): void => {
    if (disabled) {
      next();
      return;
    }
    const origin = request.headers.origin;
    if (anyOrigin) {
      response.setHeader("access-control-allow-origin", "*");
    } else {
      response.vary("origin");
      if (typeof origin !== "string" || !allowed.has(origin)) {
        next();
        return;
      }
      response.setHeader("access-control-allow-origin", origin);
    }
    response.setHeader(
      "access-control-allow-headers",
      "authorization, content-type, x-goog-api-key, x-goog-api-client, x-request-id, *",
    );
    response.setHeader("access-control-allow-methods", "GET, POST, DELETE, OPTIONS");
    response.setHeader("access-control-expose-headers", "x-request-id, retry-after, retry-after-ms");
    response.setHeader("access-control-max-age", "600");
    if (request.method === "OPTIONS") {
      response.status(204).end();
      return;
    }
    next();
  };
}
