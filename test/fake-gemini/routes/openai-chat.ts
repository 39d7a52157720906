/**
 * `POST /v1beta/openai/chat/completions`: Google's OpenAI layer, streaming and not. Errors come back
 * array-wrapped (`[{"error":{…}}]`), which the route's "openai" style does.
 */
import { buildTurn, type TurnContext } from "../build-turn.js";
import type { RouteHandler } from "../exchange.js";
import { checkInputTokenLimit, requireModel } from "../model-lookup.js";
import { convertChatRequest, readChatBody } from "../openai-convert.js";
import { answer } from "../play-reply.js";
import { requireJsonBody } from "../read-body.js";
import { newResponseId } from "../render-gemini.js";
import { turnToChatChunks, turnToChatCompletion } from "../render-openai.js";
import { dropConnection, sendError, sendJson } from "../respond.js";
import { writeStream } from "../stream-writer.js";
import { planThinking } from "../thinking.js";
import { estimatePromptTokens } from "../tokens.js";
import { checkGenerationRequest } from "../validate-request.js";

export const handleChatCompletions: RouteHandler = async (exchange, context) => {
  const chat = readChatBody(requireJsonBody(exchange));
  const model = requireModel(context.catalog, exchange.route, "generateContent", chat.modelId);
  const request = convertChatRequest(chat, model);
  checkGenerationRequest(request, model, context.signatures);
  const promptTokens = estimatePromptTokens(request);
  checkInputTokenLimit(model, promptTokens);

  const identity = { id: newResponseId(), model: model.id, created: Math.floor(context.now() / 1000) };
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
      const turn = buildTurn(content?.kind === "chunks" ? undefined : content, turnContext);
      if (!chat.stream) {
        if (ending.kind === "error") return sendError(exchange, ending.reply);
        if (ending.kind === "drop") return dropConnection(exchange);
        return sendJson(exchange, 200, turnToChatCompletion(turn, identity));
      }
      const chunks = turnToChatChunks(turn, identity);
      await writeStream(
        exchange,
        {
          format: "openai-sse",
          chunks: ending.kind === "end" ? chunks : chunks.slice(0, ending.afterChunks),
          paceMs: content?.paceMs ?? 0,
          gate: content?.gate,
          framing: "lf",
          ending:
            ending.kind === "error" ? { kind: "error", reply: ending.reply, form: ending.form } : ending,
        },
        context.lifetime,
      );
    },
  });
};
