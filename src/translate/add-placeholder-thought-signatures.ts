import type { GeminiContent } from "../gemini/wire-types.js";

/**
 * Google's documented dummy signature for function calls the model did not sign in this conversation
 * (history from another model, a client that drops `extra_content`, a gateway restart without state).
 * https://ai.google.dev/gemini-api/docs/thought-signatures#faqs; Vertex documents only this value.
 */
export const placeholderThoughtSignature = "skip_thought_signature_validator";

/**
 * Gemini 3 refuses a request whose current turn has a model step whose first functionCall part carries
 * no signature ("Function call is missing a thought_signature"). Gemini 2.5 does not check, so it gets
 * only real signatures.
 */
export function requiresThoughtSignatures(model: string): boolean {
  return /^gemini-(?:[3-9]|\d{2,})/.test(model);
}

/**
 * Puts the placeholder on the FIRST functionCall part of every model step of the current turn that has
 * no signature there; later parallel calls are never signed (Gemini signs only the first).
 *
 * The current turn starts at the last user content with standard content and no functionResponse. That
 * is one step more cautious than Google's rule (a user content holding functionResponses AND an image,
 * as after Cline's screenshot, may or may not start a turn): a placeholder in an earlier turn is never
 * checked, a missing one in the current turn is a 400.
 */
export function addPlaceholderThoughtSignatures(contents: GeminiContent[]): void {
  let currentTurnStart = 0;
  for (let position = contents.length - 1; position >= 0; position--) {
    const content = contents[position];
    if (content?.role === "user" && !content.parts.some((part) => part.functionResponse !== undefined)) {
      currentTurnStart = position;
      break;
    }
  }
  for (let position = currentTurnStart; position < contents.length; position++) {
    const content = contents[position];
    if (content?.role !== "model") continue;
    const firstCall = content.parts.find((part) => part.functionCall !== undefined);
    if (firstCall !== undefined && !firstCall.thoughtSignature) {
      firstCall.thoughtSignature = placeholderThoughtSignature;
    }
  }
}
