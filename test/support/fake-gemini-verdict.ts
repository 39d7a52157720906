/**
 * What the project's fake Gemini, as strict as the real API, says to a generateContent body: its own
 * parsing and checks run in-process (no server), so property tests can ask thousands of times.
 */
import { DEFAULT_MODELS, ModelCatalog } from "../fake-gemini/catalog.js";
import { FakeHttpError } from "../fake-gemini/errors.js";
import { ThoughtSignatures } from "../fake-gemini/signatures.js";
import { checkGenerationRequest, parseGenerateContentRequest } from "../fake-gemini/validate-request.js";

const catalog = new ModelCatalog(DEFAULT_MODELS);

/** The generation models of the fake's catalog: every family with its own rules. */
export const GENERATION_MODELS = catalog
  .list()
  .filter((model) => model.supportedGenerationMethods.includes("generateContent"))
  .map((model) => model.id);

/**
 * `undefined` when the fake would accept `body` for `model` (sent as JSON, as the gateway sends it),
 * else its refusal: status and Google's message. `signatures` are the ones the fake issued, for
 * requests that carry some back.
 */
export function fakeGeminiRefusal(
  model: string,
  body: unknown,
  signatures: ThoughtSignatures = new ThoughtSignatures(),
): string | undefined {
  const found = catalog.find(model);
  if (found === undefined) return `404 no model ${model} in the fake's catalog`;
  try {
    const request = parseGenerateContentRequest(JSON.parse(JSON.stringify(body)));
    checkGenerationRequest(request, found, signatures);
    return undefined;
  } catch (error) {
    if (error instanceof FakeHttpError) return `${error.reply.status} ${JSON.stringify(error.reply.body)}`;
    throw error;
  }
}
