import type { NextFunction, Request, Response } from "express";
import { type ClientToken, refusalOf } from "../clients/client-token.js";
import { GatewayError } from "../errors.js";
import { noteClientToken } from "../observability/request-context.js";
import { apiClientToken, nativeClientToken } from "./auth.js";
import { secretsMatch } from "./constant-time.js";

/** What the API's guard needs to know of the client tokens. */
export interface ClientTokenDirectory {
  /** Whether any client token exists (then a token is needed, even without `ACCESS_TOKEN`). */
  readonly any: boolean;
  find(secret: string): ClientToken | undefined;
}

const REFUSALS = {
  revoked: "was revoked",
  disabled: "is disabled",
  expired: "has expired",
} as const;

/**
 * Guards `/v1` and `/v1beta`: `ACCESS_TOKEN` (the master token, no limits) or a named client token,
 * sent where the client's protocol sends its key (Bearer or `x-api-key`; on native routes also
 * `x-goog-api-key` or `?key=`). With neither `ACCESS_TOKEN` nor any client token, the API is open as
 * before. A client token's name goes into the request's facts; its limits and models are checked
 * later, when the request reaches the key pool.
 */
export function requireClientToken(options: {
  accessToken: string | undefined;
  tokens: ClientTokenDirectory;
  native: boolean;
  now: () => number;
}) {
  const { accessToken, tokens } = options;
  return (request: Request, response: Response, next: NextFunction) => {
    if (!accessToken && !tokens.any) return next();
    const presented = options.native ? nativeClientToken(request) : apiClientToken(request);
    if (accessToken && secretsMatch(presented, accessToken)) return next();
    const token = presented ? tokens.find(presented) : undefined;
    if (token) {
      const refusal = refusalOf(token, options.now());
      if (refusal) {
        return next(
          new GatewayError({
            status: 401,
            type: "authentication_error",
            code: `token_${refusal}`,
            message: `The client token "${token.name}" ${REFUSALS[refusal]}; ask the gateway's operator for another.`,
          }),
        );
      }
      noteClientToken(token.name);
      response.locals.clientToken = token.name;
      return next();
    }
    const what = tokens.any ? "the gateway's ACCESS_TOKEN or a client token" : "the gateway's ACCESS_TOKEN";
    next(
      new GatewayError({
        status: 401,
        type: "authentication_error",
        code: "invalid_api_key",
        message: presented
          ? `Incorrect API key provided: use ${what} as the API key.`
          : `Missing API key: send ${what} as 'Authorization: Bearer <token>' (or 'x-api-key: <token>').`,
      }),
    );
  };
}
