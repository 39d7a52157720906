/**
 * Gemini `batchEmbedContents` answers → OpenAI's embeddings response. `encoding_format: "base64"` is the
 * vector as little-endian float32 bytes, as OpenAI sends it (and as openai-node asks for by default).
 */

/** The fields of Gemini's answer the gateway reads (entries are checked here, one by one). */
export interface GeminiBatchEmbedResponse {
  embeddings?: unknown[];
}

export interface OpenAIEmbedding {
  object: "embedding";
  index: number;
  embedding: number[] | string;
}

export interface OpenAIEmbeddingsResponse {
  object: "list";
  data: OpenAIEmbedding[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/** The vectors of one batch answer, or undefined when it does not hold exactly `expected` of them. */
export function readBatchEmbeddings(
  response: GeminiBatchEmbedResponse,
  expected: number,
): number[][] | undefined {
  const embeddings = Array.isArray(response.embeddings) ? response.embeddings : [];
  if (embeddings.length !== expected) return undefined;
  const vectors: number[][] = [];
  for (const embedding of embeddings) {
    const values =
      embedding !== null && typeof embedding === "object" && "values" in embedding
        ? embedding.values
        : undefined;
    if (!Array.isArray(values) || !values.every((value) => typeof value === "number")) return undefined;
    vectors.push(values);
  }
  return vectors;
}

/** Little-endian float32, whatever the machine's byte order. */
export function encodeFloat32Base64(values: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(values.length * 4);
  values.forEach((value, index) => {
    bytes.writeFloatLE(value, index * 4);
  });
  return bytes.toString("base64");
}

export function convertEmbeddingsResponse(
  vectors: readonly number[][],
  options: { model: string; encodingFormat: "float" | "base64"; promptTokens: number },
): OpenAIEmbeddingsResponse {
  return {
    object: "list",
    data: vectors.map((values, index) => ({
      object: "embedding",
      index,
      embedding: options.encodingFormat === "base64" ? encodeFloat32Base64(values) : values,
    })),
    model: options.model,
    usage: { prompt_tokens: options.promptTokens, total_tokens: options.promptTokens },
  };
}
