/**
 * The project's fake Gemini API, for tests and the load benchmark. See README.md.
 */
export { DEFAULT_MODELS } from "./catalog.js";
export { geminiErrors, googleError, type QuotaKind, type RetryDelay } from "./errors.js";
export { reply, streamSteps } from "./replies.js";
export { startFakeGemini } from "./server.js";
export { DUMMY_THOUGHT_SIGNATURES } from "./signatures.js";
export type * from "./types.js";
