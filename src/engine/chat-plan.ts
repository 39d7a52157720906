import type { GeminiGenerateContentRequest } from "../gemini/wire-types.js";

/** What a client protocol's request translator hands the engine: one Gemini call to answer. */
export interface ChatPlan {
  /**
   * The Gemini model id (after `MODEL_ALIASES`, without `models/`): its quota is spent, its upstream path
   * is called and it labels the metrics. The model a client asked for is the protocol's business.
   */
  model: string;
  /** The Gemini request, the same for every attempt. */
  body: GeminiGenerateContentRequest;
  /** Makes tool-call ids with the protocol's own prefix (`call_…`, `toolu_…`). */
  newToolCallId: () => string;
}
