/**
 * `POST /v1beta/models/{model}:embedContent` and `:batchEmbedContents` (the one the JS SDK always uses,
 * reference §7), with deterministic vectors.
 */
import type { GeminiContent } from "../../../src/gemini/wire-types.js";
import type { FakeModel } from "../catalog.js";
import { embedText } from "../embeddings.js";
import { FakeHttpError, geminiErrors } from "../errors.js";
import type { RouteHandler } from "../exchange.js";
import { requireModel } from "../model-lookup.js";
import { type JsonObject, parseProtoJson } from "../parse-proto-json.js";
import { answer } from "../play-reply.js";
import { requireJsonBody } from "../read-body.js";
import { BATCH_EMBED_CONTENTS_REQUEST, EMBED_CONTENT_REQUEST } from "../request-schema.js";
import { sendJson } from "../respond.js";

const MAX_BATCH_REQUESTS = 100;
const DEFAULT_DIMENSIONS = 3072;

interface EmbedRequest {
  model?: string;
  content?: GeminiContent;
  title?: string;
  outputDimensionality?: number;
}

/** Lines of Google's `* Message.path: problem` list for one embed request. */
function collectEmbedViolations(request: EmbedRequest, path: string, violations: string[]): void {
  if (!request.content) {
    violations.push(`${path}content: content is not specified`);
    return;
  }
  if (!request.content.parts || request.content.parts.length === 0) {
    violations.push(`${path}content.parts: contents.parts must not be empty.`);
  }
}

export function embeddingFor(request: EmbedRequest, model: FakeModel): { values: number[] } {
  const text = (request.content?.parts ?? []).map((part) => part.text ?? "").join("\n");
  const dimensions = request.outputDimensionality || model.embeddingDimensions || DEFAULT_DIMENSIONS;
  return { values: embedText(request.title ? `${request.title}\n${text}` : text, dimensions) };
}

function refuse(messageName: string, violations: string[]): never {
  const message = violations.map((violation) => `* ${messageName}.${violation}\n`).join("");
  throw new FakeHttpError(geminiErrors.invalidArgument(message));
}

export const handleEmbedContent: RouteHandler = async (exchange, context) => {
  const request = parseProtoJson(requireJsonBody(exchange), EMBED_CONTENT_REQUEST) as EmbedRequest;
  const model = requireModel(context.catalog, exchange.route, "embedContent");
  const violations: string[] = [];
  collectEmbedViolations(request, "", violations);
  if (violations.length > 0) refuse("EmbedContentRequest", violations);
  await answer(exchange, context, {
    model: model.id,
    onDefault: () => sendJson(exchange, 200, { embedding: embeddingFor(request, model) }),
  });
};

export const handleBatchEmbedContents: RouteHandler = async (exchange, context) => {
  const body = parseProtoJson(requireJsonBody(exchange), BATCH_EMBED_CONTENTS_REQUEST) as JsonObject & {
    requests?: EmbedRequest[];
  };
  const model = requireModel(context.catalog, exchange.route, "embedContent");
  const requests = body.requests ?? [];
  const violations: string[] = [];
  if (requests.length === 0) violations.push("requests: requests is not specified");
  if (requests.length > MAX_BATCH_REQUESTS) {
    violations.push(`requests: at most ${MAX_BATCH_REQUESTS} requests can be in one batch`);
  }
  requests.forEach((request, index) => {
    const named = request.model?.replace(/^models\//, "");
    if (named !== undefined && named !== model.id) {
      violations.push(
        `requests[${index}].model: the model of each request must be the model named in the URL (models/${model.id}).`,
      );
    }
    collectEmbedViolations(request, `requests[${index}].`, violations);
  });
  if (violations.length > 0) refuse("BatchEmbedContentsRequest", violations);
  await answer(exchange, context, {
    model: model.id,
    onDefault: () =>
      sendJson(exchange, 200, { embeddings: requests.map((request) => embeddingFor(request, model)) }),
  });
};
