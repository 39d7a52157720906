import { invalidRequest } from "../errors.js";

/**
 * Model ids, in one place. Gemini names a model `gemini-2.5-flash` or `models/gemini-2.5-flash`; the
 * gateway keeps the bare id everywhere (quota, paths, metrics, answers).
 */
export function withoutModelsPrefix(name: string): string {
  return name.startsWith("models/") ? name.slice("models/".length) : name;
}

/**
 * What can stand as a model id in `/v1beta/models/{id}`: at most 128 characters, no path or query
 * punctuation, no control characters, and not starting with a dot, so `.` and `..` (which would climb
 * out of `/v1beta/models/` once the URL is normalized) can never pass. Anything else is Google's to
 * judge (an unknown model is its 404).
 */
const GEMINI_MODEL_ID = /^[^./\\?#\p{Cc}][^/\\?#\p{Cc}]{0,127}$/u;

/** A client's model name is echoed in answers and logs; past this it is not a name. */
export const MAX_MODEL_NAME_LENGTH = 256;

/**
 * The Gemini model id a client named, without `models/`; a clear 400 for anything that cannot be one
 * (empty, a path, a name hundreds of characters long), before any upstream call is made.
 */
export function geminiModelId(name: string, param = "model"): string {
  const id = withoutModelsPrefix(name);
  if (GEMINI_MODEL_ID.test(id)) return id;
  const shown = id.length > 60 ? `${id.slice(0, 60)}…` : id;
  throw invalidRequest(
    `'${param}' must be a Gemini model id such as gemini-2.5-flash, not "${shown}".`,
    param,
    "invalid_model",
  );
}

/** A client's own model name (echoed back in answers): any text, within reason. */
export function clientModelName(name: string, param = "model"): string {
  const bare = withoutModelsPrefix(name);
  if (bare.length === 0 || bare.length > MAX_MODEL_NAME_LENGTH) {
    throw invalidRequest(
      `'${param}' must name a model in at most ${MAX_MODEL_NAME_LENGTH} characters.`,
      param,
      "invalid_model",
    );
  }
  return bare;
}
