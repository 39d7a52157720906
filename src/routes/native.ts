import express, { type Request, type Response, Router } from "express";
import { GatewayError } from "../errors.js";
import type { Gateway } from "../gateway.js";
import { forwardedQuery } from "../passthrough/forwarded-query.js";
import { type RelayMode, relayUpstream } from "../passthrough/relay-upstream.js";
import { usageFromGemini } from "../passthrough/token-usage.js";
import { toGeminiErrorBody } from "../protocols/gemini-native/error-envelope.js";
import { requestSignal } from "./request-signal.js";

/** The model methods passed through (../shared/reference/gemini-wire.md §1–§3, §7). */
const MODEL_ACTIONS = new Set([
  "generateContent",
  "streamGenerateContent",
  "countTokens",
  "embedContent",
  "batchEmbedContents",
]);

/** Gemini's stream events end with CRLF CRLF; an error event the gateway appends looks the same. */
function geminiInterruptionEvent(message: string): string {
  return `data: ${JSON.stringify({ error: { code: 502, message, status: "UNAVAILABLE" } })}\r\n\r\n`;
}

/** `gemini-2.5-flash:generateContent` → model and method; the model alone when there is no method. */
function splitModelAction(segment: string): { model: string; action: string | undefined } {
  const colon = segment.lastIndexOf(":");
  if (colon === -1) return { model: segment, action: undefined };
  return { model: segment.slice(0, colon), action: segment.slice(colon + 1) };
}

function notFound(request: Request, detail: string): GatewayError {
  return new GatewayError({
    status: 404,
    code: "route_not_found",
    message: `No route for ${request.method} ${request.path}: ${detail}`,
  });
}

/**
 * The native Gemini API, passed through with a pool key: `POST /v1beta/models/{model}:{method}` for
 * generateContent, streamGenerateContent, countTokens, embedContent and batchEmbedContents, and
 * `GET /v1beta/models[/{model}]`. Bodies and answers pass as raw bytes; the client's own `key` (query)
 * and `x-goog-api-key` never reach Google, because only the pool key and the client's other query
 * parameters are sent. Errors use Gemini's own envelope, which Gemini SDKs read.
 */
export function nativeRoutes(gateway: Gateway): Router {
  const router = Router();
  const rawBody = express.raw({ type: () => true, limit: gateway.config.bodyLimit });

  /** Model reads spend no generation quota and come back as Google wrote them. */
  const relayModelRead = (request: Request, response: Response, path: string) =>
    relayUpstream(
      {
        gateway,
        method: "GET",
        path,
        query: forwardedQuery(request.originalUrl),
        body: undefined,
        auth: "x-goog-api-key",
        model: undefined,
        mode: "buffered",
        signal: requestSignal(request, response),
        relayClientErrors: true,
      },
      response,
    );

  router.get("/v1beta/models", async (request, response) => {
    await relayModelRead(request, response, "/v1beta/models");
  });

  router.get("/v1beta/models/:modelAction", async (request, response) => {
    const { model, action } = splitModelAction(String(request.params.modelAction));
    if (action !== undefined || model === "") {
      throw notFound(request, "GET reads a model, e.g. GET /v1beta/models/gemini-2.5-flash.");
    }
    await relayModelRead(request, response, `/v1beta/models/${encodeURIComponent(model)}`);
  });

  router.post("/v1beta/models/:modelAction", rawBody, async (request, response) => {
    const { model, action } = splitModelAction(String(request.params.modelAction));
    if (model === "" || action === undefined || !MODEL_ACTIONS.has(action)) {
      throw notFound(request, `the gateway passes through ${[...MODEL_ACTIONS].join(", ")}.`);
    }
    const query = forwardedQuery(request.originalUrl);
    let mode: RelayMode = "buffered";
    if (action === "streamGenerateContent") mode = query.get("alt") === "sse" ? "sse" : "bytes";
    const generates = action === "generateContent" || action === "streamGenerateContent";
    response.locals.model = model;
    await relayUpstream(
      {
        gateway,
        method: "POST",
        path: `/v1beta/models/${encodeURIComponent(model)}:${action}`,
        query,
        body: Buffer.isBuffer(request.body) ? request.body : undefined,
        auth: "x-goog-api-key",
        model,
        mode,
        signal: requestSignal(request, response),
        ...(generates ? { usageOf: usageFromGemini } : {}),
        relayClientErrors: true,
        ...(mode === "sse" ? { interruptionEvent: geminiInterruptionEvent } : {}),
      },
      response,
    );
  });

  return router;
}

/**
 * `@google/genai` 3.x calls `/v1/models/{model}:{method}` unless told `apiVersion: "v1beta"`, and `/v1` is
 * the OpenAI surface here. Such a call gets a 404 that says what to change, before any token check, in
 * Gemini's envelope so the SDK shows the message.
 */
export function nativeVersionHintRoutes(): Router {
  const router = Router();
  const hint = (request: Request, response: Response) => {
    const error = new GatewayError({
      status: 404,
      code: "route_not_found",
      message: `No route for ${request.method} ${request.path}: the native Gemini API is served under /v1beta. With @google/genai, pass apiVersion: "v1beta" (new GoogleGenAI({ apiKey, apiVersion: "v1beta", httpOptions: { baseUrl } })).`,
    });
    response.status(404).json(toGeminiErrorBody(error));
  };
  router.post("/v1/models/:modelAction", (request, response, next) => {
    if (!String(request.params.modelAction).includes(":")) return next();
    hint(request, response);
  });
  return router;
}
