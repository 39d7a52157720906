/**
 * Which API key a request presents, and Google's answers when it presents none or a bad one (reference §6).
 */
import type { IncomingMessage } from "node:http";
import { FakeHttpError, geminiErrors } from "./errors.js";
import type { RouteMatch } from "./exchange.js";
import type { KeySource } from "./types.js";

export interface PresentedKey {
  key: string;
  source: KeySource;
}

function bearerToken(request: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? "");
  return match?.[1]?.trim() || undefined;
}

/** The `x-goog-api-key` header wins over `?key=`; the compat layer reads `Authorization: Bearer` first. */
export function readPresentedKey(
  request: IncomingMessage,
  query: URLSearchParams,
  route: RouteMatch,
): PresentedKey | undefined {
  if (route.style === "openai") {
    const bearer = bearerToken(request);
    if (bearer) return { key: bearer, source: "bearer" };
  }
  const header = request.headers["x-goog-api-key"];
  const headerKey = (Array.isArray(header) ? header[0] : header)?.trim();
  if (headerKey) return { key: headerKey, source: "x-goog-api-key" };
  const queryKey = query.get("key")?.trim();
  if (queryKey) return { key: queryKey, source: "query" };
  return undefined;
}

/**
 * Throws Google's 401, 403 or 400 unless the request presents a usable key. On the native API an
 * `Authorization` header means OAuth: Google tries it as an access token and fails, even beside a valid
 * key, so a gateway that forwards its client's token upstream gets the 401.
 */
export function checkAuthentication(
  request: IncomingMessage,
  route: RouteMatch,
  presented: PresentedKey | undefined,
  validKeys: ReadonlySet<string> | undefined,
): void {
  if (route.style !== "openai" && request.headers.authorization !== undefined) {
    const service =
      route.action === "listModels" || route.action === "getModel" ? "ModelService" : "GenerativeService";
    const method = `${route.action[0]!.toUpperCase()}${route.action.slice(1)}`;
    throw new FakeHttpError(
      geminiErrors.oauthRefused(`google.ai.generativelanguage.v1beta.${service}.${method}`),
    );
  }
  if (!presented) throw new FakeHttpError(geminiErrors.missingKey());
  if (validKeys && !validKeys.has(presented.key)) throw new FakeHttpError(geminiErrors.invalidKey());
}
