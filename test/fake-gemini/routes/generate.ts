/**
 * `POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent` (SSE with `alt=sse`, the
 * JSON-array stream without).
 */
import { buildTurn, type TurnContext } from "../build-turn.js";
import type { RouteHandler } from "../exchange.js";
import { checkInputTokenLimit, requireModel } from "../model-lookup.js";
import { answer } from "../play-reply.js";
import { requireJsonBody } from "../read-body.js";
import { mergeChunks, newResponseId, turnToChunks, turnToResponse } from "../render-gemini.js";
import { dropConnection, sendError, sendJson } from "../respond.js";
import { writeStream } from "../stream-writer.js";
import { planThinking } from "../thinking.js";
import { estimatePromptTokens } from "../tokens.js";
import { checkGenerationRequest, parseGenerateContentRequest } from "../validate-request.js";

export const handleGenerate: RouteHandler = async (exchange, context) => {
  const request = parseGenerateContentRequest(requireJsonBody(exchange));
  const model = requireModel(context.catalog, exchange.route, "generateContent");
  checkGenerationRequest(request, model, context.signatures);
  const promptTokens = estimatePromptTokens(request);
  checkInputTokenLimit(model, promptTokens);

  const streaming = exchange.route.action === "streamGenerateContent";
  const identity = { modelVersion: model.modelVersion, responseId: newResponseId() };
  const turnContext: TurnContext = {
    model,
    request,
    promptTokens,
    thinking: planThinking(request, model),
    signatures: context.signatures,
  };

  await answer(exchange, context, {
    model: model.id,
    onContent: async (content, ending) => {
      if (!streaming) {
        if (ending.kind === "error") return sendError(exchange, ending.reply);
        if (ending.kind === "drop") return dropConnection(exchange);
        const body =
          content?.kind === "chunks"
            ? mergeChunks(content.chunks)
            : turnToResponse(buildTurn(content, turnContext), identity);
        return sendJson(exchange, 200, body);
      }
      const chunks =
        content?.kind === "chunks" ? content.chunks : turnToChunks(buildTurn(content, turnContext), identity);
      await writeStream(
        exchange,
        {
          format: exchange.route.style === "sse" ? "sse" : "json-array",
          chunks: ending.kind === "end" ? chunks : chunks.slice(0, ending.afterChunks),
          paceMs: content?.paceMs ?? 0,
          gate: content?.gate,
          framing: content?.framing ?? "crlf",
          ending:
            ending.kind === "error" ? { kind: "error", reply: ending.reply, form: ending.form } : ending,
        },
        context.lifetime,
      );
    },
  });
};
