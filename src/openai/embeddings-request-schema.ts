/**
 * OpenAI's embeddings request as the gateway accepts it. Gemini embeds text, so `input` is a string or
 * an array of strings; token arrays (which OpenAI also takes) are refused with a message that says so.
 * Unknown fields are ignored, as OpenAI clients add their own (`user`).
 */
import { z } from "zod";
import { invalidRequest } from "../errors.js";

/** OpenAI's own limit on inputs per request. */
export const MAX_EMBEDDING_INPUTS = 2048;

const embeddingsRequestSchema = z.object({
  model: z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? "'model' is required: name a Gemini embedding model, e.g. gemini-embedding-001."
          : "'model' must be a string naming a Gemini embedding model, e.g. gemini-embedding-001.",
    })
    .trim()
    .min(1, "'model' must not be empty: name a Gemini embedding model, e.g. gemini-embedding-001."),
  input: z.union([z.string(), z.array(z.string())], {
    error: "'input' must be a string or an array of strings.",
  }),
  dimensions: z
    .number({ error: "'dimensions' must be a whole number greater than 0." })
    .int("'dimensions' must be a whole number greater than 0.")
    .positive("'dimensions' must be a whole number greater than 0.")
    .nullish(),
  encoding_format: z
    .enum(["float", "base64"], { error: '\'encoding_format\' must be "float" or "base64".' })
    .nullish(),
});

export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

function isTokenArray(input: unknown): boolean {
  if (!Array.isArray(input) || input.length === 0) return false;
  return input.every((item) => typeof item === "number" || Array.isArray(item));
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === "number" ? `[${segment}]` : index === 0 ? String(segment) : `.${String(segment)}`,
    )
    .join("");
}

/** Validates an embeddings request; every refusal is a 400 that names the field. */
export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest & { inputs: string[] } {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw invalidRequest("The request body must be a JSON object.");
  }
  const input = (body as { input?: unknown }).input;
  if (isTokenArray(input)) {
    throw invalidRequest(
      "'input' holds token ids; the gateway embeds text with Gemini, which takes no OpenAI token ids. Send a string or an array of strings.",
      "input",
      "unsupported_input",
    );
  }
  const result = embeddingsRequestSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const param = issue ? formatPath(issue.path) : "";
    const message = issue?.message ?? "The request body is not a valid embeddings request.";
    // Issues inside `input` carry zod's own wording; say which item is wrong.
    throw invalidRequest(message.startsWith("'") ? message : `'${param}': ${message}`, param || null);
  }
  const inputs = typeof result.data.input === "string" ? [result.data.input] : result.data.input;
  if (inputs.length === 0)
    throw invalidRequest("'input' must not be empty: send at least one string.", "input");
  if (inputs.length > MAX_EMBEDDING_INPUTS) {
    throw invalidRequest(
      `'input' holds ${inputs.length} items; at most ${MAX_EMBEDDING_INPUTS} are allowed.`,
      "input",
    );
  }
  const empty = inputs.indexOf("");
  if (empty !== -1) {
    const param = typeof result.data.input === "string" ? "input" : `input[${empty}]`;
    throw invalidRequest(`'${param}' must not be an empty string.`, param);
  }
  return { ...result.data, inputs };
}
