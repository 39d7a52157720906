/**
 * `POST /v1beta/openai/embeddings`: OpenAI's embeddings shape over the fake's deterministic vectors,
 * including `encoding_format: "base64"` (little-endian float32), which openai-node asks for by default.
 */
import { embedText } from "../embeddings.js";
import { FakeHttpError, geminiErrors } from "../errors.js";
import type { RouteHandler } from "../exchange.js";
import { requireModel } from "../model-lookup.js";
import { refuseUnknownFields } from "../openai-convert.js";
import { isJsonObject } from "../parse-proto-json.js";
import { answer } from "../play-reply.js";
import { requireJsonBody } from "../read-body.js";
import { sendJson } from "../respond.js";
import { estimateTextTokens } from "../tokens.js";

const EMBEDDING_FIELDS: ReadonlySet<string> = new Set([
  "input",
  "model",
  "encoding_format",
  "dimensions",
  "user",
]);

const refuse = (message: string): never => {
  throw new FakeHttpError(geminiErrors.invalidArgument(message));
};

function toBase64(values: number[]): string {
  return Buffer.from(new Float32Array(values).buffer).toString("base64");
}

export const handleOpenAIEmbeddings: RouteHandler = async (exchange, context) => {
  const body = requireJsonBody(exchange);
  if (!isJsonObject(body)) return refuse("Request contains an invalid argument.");
  refuseUnknownFields(body, EMBEDDING_FIELDS);
  if (typeof body.model !== "string" || body.model === "") return refuse("model is not specified.");
  const inputs = typeof body.input === "string" ? [body.input] : body.input;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((input) => typeof input === "string")) {
    return refuse("input must be a string or a non-empty array of strings.");
  }
  const model = requireModel(
    context.catalog,
    exchange.route,
    "embedContent",
    body.model.replace(/^models\//, ""),
  );
  const dimensions =
    typeof body.dimensions === "number" ? body.dimensions : (model.embeddingDimensions ?? 3072);
  const asBase64 = body.encoding_format === "base64";
  const tokens = inputs.reduce((sum: number, input: string) => sum + estimateTextTokens(input), 0);
  await answer(exchange, context, {
    model: model.id,
    onDefault: () =>
      sendJson(exchange, 200, {
        data: inputs.map((input: string, index) => {
          const values = embedText(input, dimensions);
          return { embedding: asBase64 ? toBase64(values) : values, index, object: "embedding" };
        }),
        model: model.id,
        object: "list",
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      }),
  });
};
