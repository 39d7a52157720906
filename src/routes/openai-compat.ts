import express, { type Request, type Response, Router } from "express";
import type { AnswerFailure } from "../engine/answer-events.js";
import { invalidRequest } from "../errors.js";
import { geminiModelId } from "../gemini/model-id.js";
import { forwardedQuery } from "../passthrough/forwarded-query.js";
import type { UpstreamRelay } from "../passthrough/relay-upstream.js";
import { usageFromOpenAI } from "../passthrough/token-usage.js";
import { openAIErrorBodyOfFailure } from "../protocols/openai-chat/error-envelope.js";
import { requestSignal } from "./request-signal.js";

/** What the gateway reads of a compat request body, to pick a key for the model and to know whether it streams. */
interface CompatRequestFacts {
  model: string;
  stream: boolean;
}

/** The body stays bytes for the upstream; it is parsed only to read the model and `stream`. */
function readFacts(body: unknown): CompatRequestFacts {
  if (!Buffer.isBuffer(body) || body.length === 0)
    throw invalidRequest("The request body must be a JSON object.");
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw invalidRequest(
      `The request body is not valid JSON: ${(error as Error).message}`,
      null,
      "invalid_json",
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw invalidRequest("The request body must be a JSON object.");
  }
  const { model, stream } = parsed as { model?: unknown; stream?: unknown };
  if (typeof model !== "string" || model.trim() === "") {
    throw invalidRequest("'model' is required: name a Gemini model, e.g. gemini-2.5-flash.", "model");
  }
  return { model: geminiModelId(model), stream: stream === true };
}

/** OpenAI's stream framing; an error in `data:` is what openai-node throws on after a 200. */
function openAIInterruptionEvent(failure: AnswerFailure): string {
  return `data: ${JSON.stringify(openAIErrorBodyOfFailure(failure))}\n\n`;
}

/**
 * Google's own OpenAI-compatible surface, `/v1beta/openai/*` (chat/completions streaming and not,
 * embeddings, models), passed through with a pool key as `Authorization: Bearer`. The client's own
 * Authorization never travels. Google's errors come array-wrapped (`[{"error":…}]`), which OpenAI
 * clients cannot read; they go through the dispatch loop's classification and reach the client as an
 * OpenAI error object with a real status.
 */
export function openaiCompatRoutes(
  relay: Pick<UpstreamRelay, "relay">,
  settings: { bodyLimit: string },
): Router {
  const router = Router();
  const rawBody = express.raw({ type: () => true, limit: settings.bodyLimit });

  const post = (upstreamPath: string) => async (request: Request, response: Response) => {
    const facts = readFacts(request.body);
    response.locals.model = facts.model;
    await relay.relay(
      {
        request: {
          method: "POST",
          path: upstreamPath,
          query: forwardedQuery(request.originalUrl),
          ...(Buffer.isBuffer(request.body) ? { body: request.body } : {}),
          auth: "bearer",
        },
        model: facts.model,
        commitAt: facts.stream ? "first-event" : "whole",
        usageOf: usageFromOpenAI,
        ...(facts.stream ? { interruptionEvent: openAIInterruptionEvent } : {}),
      },
      requestSignal(request, response),
      response,
    );
  };

  const get =
    (upstreamPath: (request: Request) => string) => async (request: Request, response: Response) => {
      await relay.relay(
        {
          request: {
            method: "GET",
            path: upstreamPath(request),
            query: forwardedQuery(request.originalUrl),
            auth: "bearer",
          },
          model: undefined,
          commitAt: "whole",
        },
        requestSignal(request, response),
        response,
      );
    };

  router.post("/v1beta/openai/chat/completions", rawBody, post("/v1beta/openai/chat/completions"));
  router.post("/v1beta/openai/embeddings", rawBody, post("/v1beta/openai/embeddings"));
  router.get(
    "/v1beta/openai/models",
    get(() => "/v1beta/openai/models"),
  );
  router.get(
    "/v1beta/openai/models/:id",
    get(
      (request) =>
        `/v1beta/openai/models/${encodeURIComponent(geminiModelId(String(request.params.id), "id"))}`,
    ),
  );
  return router;
}
