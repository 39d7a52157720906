/**
 * Serves the operator console's built files (console/ → dist/console/web/) at /console: index.html never
 * cached (it names the current bundle), the content-hashed bundles cached for a year, and a strict
 * Content-Security-Policy, since the page holds an admin session. Nothing loads from elsewhere.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import express, { type NextFunction, type Request, type Response, Router } from "express";
import helmet from "helmet";
import { GatewayError } from "../errors.js";
import { hasForeignHost, isLoopbackClient } from "../http/auth.js";

const moduleFolder = dirname(fileURLToPath(import.meta.url));

/**
 * Where the built console is: beside this module in dist/, or, when the TypeScript source itself runs
 * (the in-process tests), in the dist/ that `npm run build` filled.
 */
export function defaultConsoleFolder(): string {
  const candidates = [join(moduleFolder, "web"), join(moduleFolder, "..", "..", "dist", "console", "web")];
  return candidates.find((folder) => existsSync(join(folder, "index.html"))) ?? candidates[0] ?? "";
}

const consolePolicy = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
});

export interface ConsoleServingOptions {
  adminToken: string | undefined;
  /** `HOST`: without ADMIN_TOKEN, the one name besides IP addresses and localhost the page answers to. */
  configuredHost: string;
  /** The built console; default: `defaultConsoleFolder()`. */
  folder?: string;
}

/**
 * `GET /console` and `/console/assets/*`. Without ADMIN_TOKEN the console, like /admin, answers only
 * clients on this machine; with it the page is open and its login form asks for the token.
 */
export function consoleRoutes(options: ConsoleServingOptions): Router {
  const folder = options.folder ?? defaultConsoleFolder();
  const router = Router();
  // The same rule as /admin without a token: this machine only, and no DNS name rebound to it. A link
  // from another site may open the page (it holds nothing); its calls to /admin are what the guard
  // there refuses.
  const onlyHere = (request: Request, _response: Response, next: NextFunction) => {
    if (options.adminToken) return next();
    if (hasForeignHost(request, options.configuredHost)) {
      return next(
        new GatewayError({
          status: 403,
          type: "permission_error",
          code: "admin_foreign_host",
          message:
            "Without ADMIN_TOKEN, the console answers only requests addressed to this machine (an IP address, localhost or HOST); set ADMIN_TOKEN to use another name.",
        }),
      );
    }
    if (isLoopbackClient(request)) return next();
    next(
      new GatewayError({
        status: 403,
        type: "permission_error",
        code: "admin_loopback_only",
        message:
          "The console answers only clients on this machine (not through a proxy) unless ADMIN_TOKEN is set.",
      }),
    );
  };

  const sendIndex = (_request: Request, response: Response, next: NextFunction) => {
    const index = join(folder, "index.html");
    if (!existsSync(index)) {
      next(
        new GatewayError({
          status: 503,
          type: "server_error",
          code: "console_not_built",
          message: "The console is not built: run `npm run build`.",
        }),
      );
      return;
    }
    response.setHeader("cache-control", "no-store");
    response.sendFile(index, { etag: false, lastModified: false, cacheControl: false });
  };

  router.get(["/console", "/console/"], onlyHere, consolePolicy, sendIndex);
  router.use(
    "/console/assets",
    onlyHere,
    consolePolicy,
    express.static(join(folder, "assets"), {
      index: false,
      redirect: false,
      // File names carry a hash of their content: a new build has new names.
      immutable: true,
      maxAge: "365d",
    }),
  );
  return router;
}
