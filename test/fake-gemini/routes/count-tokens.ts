/**
 * `POST /v1beta/models/{model}:countTokens`, with either `contents` or a whole `generateContentRequest`
 * (mutually exclusive, reference §7). Counts agree with generateContent's promptTokenCount.
 */
import type { GeminiGenerateContentRequest } from "../../../src/gemini/wire-types.js";
import { FakeHttpError, geminiErrors } from "../errors.js";
import type { RouteHandler } from "../exchange.js";
import { requireModel } from "../model-lookup.js";
import { parseProtoJson } from "../parse-proto-json.js";
import { answer } from "../play-reply.js";
import { requireJsonBody } from "../read-body.js";
import { COUNT_TOKENS_REQUEST } from "../request-schema.js";
import { sendJson } from "../respond.js";
import { estimatePromptTokens } from "../tokens.js";
import { checkGenerateContentRequest } from "../validate-request.js";

export const handleCountTokens: RouteHandler = async (exchange, context) => {
  const body = parseProtoJson(requireJsonBody(exchange), COUNT_TOKENS_REQUEST) as {
    contents?: GeminiGenerateContentRequest["contents"];
    generateContentRequest?: GeminiGenerateContentRequest;
  };
  const model = requireModel(context.catalog, exchange.route, "countTokens");
  if (body.contents !== undefined && body.generateContentRequest !== undefined) {
    throw new FakeHttpError(
      geminiErrors.invalidArgument(
        "* CountTokensRequest: contents and generate_content_request are mutually exclusive.\n",
      ),
    );
  }
  const request = body.generateContentRequest ?? { contents: body.contents ?? [] };
  checkGenerateContentRequest(
    request,
    model,
    body.generateContentRequest ? "CountTokensRequest.generate_content_request" : "CountTokensRequest",
  );
  const totalTokens = estimatePromptTokens(request);
  await answer(exchange, context, {
    model: model.id,
    onDefault: () =>
      sendJson(exchange, 200, {
        totalTokens,
        promptTokensDetails: [{ modality: "TEXT", tokenCount: totalTokens }],
      }),
  });
};
