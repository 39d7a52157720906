import express, { type Request, type Response, Router } from "express";
import type { AnswerFailure } from "../engine/answer-events.js";
import { GatewayError } from "../errors.js";
import { geminiModelId } from "../gemini/model-id.js";
import { forwardedQuery } from "../passthrough/forwarded-query.js";
import type { CommitPoint, UpstreamRelay } from "../passthrough/relay-upstream.js";
import { usageFromGemini } from "../passthrough/token-usage.js";
import { toGeminiErrorBody } from "../protocols/gemini-native/error-envelope.js";
import { requestSignal } from "./request-signal.js";

/** The model methods passed through (Gemini API v1beta: generation, token counting, embeddings). */
const MODEL_ACTIONS = new Set([
  "generateContent",
  "streamGenerateContent",
  "countTokens",
  "embedContent",
  "batchEmbedContents",
]);

/** Gemini's stream events end with CRLF CRLF; an error event the gateway appends looks the same. */
function geminiInterruptionEvent(failure: AnswerFailure): string {
  const error = new GatewayError({ status: failure.status, message: failure.message });
  return `data: ${JSON.stringify(toGeminiErrorBody(error))}\r\n\r\n`;
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
 * `GET /v1beta/models[/{model}]`. Bodies and answers pass as raw bytes (secrets hidden); the client's
 * own `key` (query) and `x-goog-api-key` never reach Google, because only the pool key and the client's
 * other query parameters are sent. Errors use Gemini's own envelope, which Gemini SDKs read; a mistake
 * Gemini itself reported reaches the client as Google wrote it.
 */
export function nativeRoutes(relay: Pick<UpstreamRelay, "relay">, settings: { bodyLimit: string }): Router {
  const router = Router();
  const rawBody = express.raw({ type: () => true, limit: settings.bodyLimit });

  /** Model reads spend no generation quota and come back as Google wrote them. */
  const relayModelRead = (request: Request, response: Response, path: string) =>
    relay.relay(
      {
        request: { method: "GET", path, query: forwardedQuery(request.originalUrl) },
        model: undefined,
        commitAt: "whole",
      },
      requestSignal(request, response),
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
    const id = geminiModelId(model, "name");
    await relayModelRead(request, response, `/v1beta/models/${encodeURIComponent(id)}`);
  });

  router.post("/v1beta/models/:modelAction", rawBody, async (request, response) => {
    const { model: named, action } = splitModelAction(String(request.params.modelAction));
    if (named === "" || action === undefined || !MODEL_ACTIONS.has(action)) {
      throw notFound(request, `the gateway passes through ${[...MODEL_ACTIONS].join(", ")}.`);
    }
    const model = geminiModelId(named, "model");
    const query = forwardedQuery(request.originalUrl);
    let commitAt: CommitPoint = "whole";
    if (action === "streamGenerateContent")
      commitAt = query.get("alt") === "sse" ? "first-event" : "first-bytes";
    const generates = action === "generateContent" || action === "streamGenerateContent";
    response.locals.model = model;
    await relay.relay(
      {
        request: {
          method: "POST",
          path: `/v1beta/models/${encodeURIComponent(model)}:${action}`,
          query,
          ...(Buffer.isBuffer(request.body) ? { body: request.body } : {}),
        },
        model,
        commitAt,
        ...(generates ? { usageOf: usageFromGemini } : {}),
        ...(commitAt === "first-event" ? { interruptionEvent: geminiInterruptionEvent } : {}),
      },
      requestSignal(request, response),
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
