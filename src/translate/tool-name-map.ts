/**
 * Gemini accepts function names that start with a letter or `_` and use only `a-zA-Z0-9_.:-`, at most
 * 128 characters (FunctionDeclaration.name in @google/genai). OpenAI clients may use any string. A name
 * Gemini would refuse is replaced by a deterministic safe name, and the map turns Gemini's answer back
 * into the client's name. Deterministic, so the same client name maps to the same Gemini name in every
 * request of a conversation.
 */

const geminiNamePattern = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,127}$/;
const maximumNameLength = 128;

export interface ToolNameMap {
  /** The name to send to Gemini for a client's tool name. */
  toGemini(openAIName: string): string;
  /** The client's tool name for a name Gemini answered with; unknown names come back unchanged. */
  toOpenAI(geminiName: string): string;
}

export function isValidGeminiFunctionName(name: string): boolean {
  return geminiNamePattern.test(name);
}

/** Builds the map from every name the request mentions (declared tools and calls in the history). */
export function createToolNameMap(openAINames: Iterable<string>): ToolNameMap {
  const geminiByOpenAI = new Map<string, string>();
  const openAIByGemini = new Map<string, string>();
  for (const openAIName of openAINames) {
    if (geminiByOpenAI.has(openAIName) || isValidGeminiFunctionName(openAIName)) continue;
    const geminiName = toSafeGeminiName(openAIName);
    geminiByOpenAI.set(openAIName, geminiName);
    openAIByGemini.set(geminiName, openAIName);
  }
  return {
    toGemini: (openAIName) => geminiByOpenAI.get(openAIName) ?? toSafeGeminiNameIfNeeded(openAIName),
    toOpenAI: (geminiName) => openAIByGemini.get(geminiName) ?? geminiName,
  };
}

function toSafeGeminiNameIfNeeded(name: string): string {
  return isValidGeminiFunctionName(name) ? name : toSafeGeminiName(name);
}

/**
 * Replaces refused characters with `_`, makes the first character valid, and always appends a hash of
 * the original so two different names never collapse into one and never collide with a valid name.
 */
function toSafeGeminiName(name: string): string {
  let safe = name.replace(/[^a-zA-Z0-9_.:-]/g, "_");
  if (!/^[a-zA-Z_]/.test(safe)) safe = `_${safe}`;
  const suffix = `_${fnv1aHash(name)}`;
  return safe.slice(0, maximumNameLength - suffix.length) + suffix;
}

/** 32-bit FNV-1a as 8 hex digits: short, stable across processes, no dependency. */
function fnv1aHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let position = 0; position < text.length; position++) {
    hash ^= text.charCodeAt(position);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}
