/**
 * The fake's model catalog: the fields Google's models.list shows (reference §5) plus the behaviour the
 * fake needs per model (thinking, thought-signature enforcement, embedding size).
 */
import type { FakeModelSpec, FakeThinkingSupport } from "./types.js";

const GENERATE_METHODS = ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"];
const ALL_LEVELS = ["MINIMAL", "LOW", "MEDIUM", "HIGH"] as const;

const budgetThinking = (defaultOn: boolean, canDisable: boolean): FakeThinkingSupport => ({
  defaultOn,
  canDisable,
  levels: [],
});

export const DEFAULT_MODELS: readonly FakeModelSpec[] = [
  {
    id: "gemini-2.5-pro",
    version: "2.5",
    displayName: "Gemini 2.5 Pro",
    description: "Stable release (June 17th, 2025) of Gemini 2.5 Pro",
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: GENERATE_METHODS,
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: budgetThinking(true, false),
  },
  {
    id: "gemini-2.5-flash",
    version: "001",
    displayName: "Gemini 2.5 Flash",
    description:
      "Stable version of Gemini 2.5 Flash, our mid-size multimodal model that supports up to 1 million tokens, released in June of 2025.",
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: GENERATE_METHODS,
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: budgetThinking(true, true),
  },
  {
    id: "gemini-2.5-flash-lite",
    version: "001",
    displayName: "Gemini 2.5 Flash-Lite",
    description: "Stable version of Gemini 2.5 Flash-Lite, released in July of 2025",
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: GENERATE_METHODS,
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: budgetThinking(false, true),
  },
  {
    id: "gemini-2.0-flash",
    version: "2.0",
    displayName: "Gemini 2.0 Flash",
    description: "Gemini 2.0 Flash",
    inputTokenLimit: 1048576,
    outputTokenLimit: 8192,
    supportedGenerationMethods: GENERATE_METHODS,
    temperature: 1,
    topP: 0.95,
    topK: 40,
    maxTemperature: 2,
  },
  {
    id: "gemini-3-pro-preview",
    version: "3-pro-preview-11-2025",
    displayName: "Gemini 3 Pro Preview",
    description: "Gemini 3 Pro Preview",
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: GENERATE_METHODS,
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    // "Thinking level MEDIUM is not supported for this model." (reference §1)
    thinking: { defaultOn: true, canDisable: false, levels: ["LOW", "HIGH"] },
  },
  {
    id: "gemini-3-flash-preview",
    version: "3-flash-preview-12-2025",
    displayName: "Gemini 3 Flash Preview",
    description: "Gemini 3 Flash Preview",
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: GENERATE_METHODS,
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: { defaultOn: true, canDisable: false, levels: ALL_LEVELS },
  },
  {
    id: "gemini-embedding-001",
    version: "001",
    displayName: "Gemini Embedding 001",
    description: "Obtain a distributed representation of a text.",
    inputTokenLimit: 2048,
    outputTokenLimit: 1,
    supportedGenerationMethods: ["embedContent", "countTextTokens", "countTokens", "asyncBatchEmbedContent"],
    embeddingDimensions: 3072,
  },
  {
    id: "text-embedding-004",
    version: "004",
    displayName: "Text Embedding 004",
    description: "Obtain a distributed representation of a text.",
    inputTokenLimit: 2048,
    outputTokenLimit: 1,
    supportedGenerationMethods: ["embedContent"],
    embeddingDimensions: 768,
  },
];

/** A catalog entry with its defaults filled in. */
export interface FakeModel extends FakeModelSpec {
  enforcesThoughtSignatures: boolean;
  modelVersion: string;
  /** The JSON Google shows for this model, built once. */
  wire: Readonly<Record<string, unknown>>;
}

export class ModelCatalog {
  readonly #models = new Map<string, FakeModel>();

  constructor(
    specs: readonly FakeModelSpec[],
    overrides: Readonly<Record<string, Partial<Omit<FakeModelSpec, "id">>>> = {},
  ) {
    for (const spec of specs) {
      const merged: FakeModelSpec = { ...spec, ...overrides[spec.id], id: spec.id };
      this.#models.set(spec.id, {
        ...merged,
        enforcesThoughtSignatures: merged.enforcesThoughtSignatures ?? merged.id.startsWith("gemini-3"),
        modelVersion: merged.modelVersion ?? merged.id,
        wire: toWireModel(merged),
      });
    }
  }

  find(id: string): FakeModel | undefined {
    return this.#models.get(id);
  }

  list(): FakeModel[] {
    return [...this.#models.values()];
  }
}

/** The fields in Google's order; `thinking` appears only when true (reference §5). */
function toWireModel(spec: FakeModelSpec): Record<string, unknown> {
  return {
    name: `models/${spec.id}`,
    version: spec.version,
    displayName: spec.displayName,
    description: spec.description,
    inputTokenLimit: spec.inputTokenLimit,
    outputTokenLimit: spec.outputTokenLimit,
    supportedGenerationMethods: spec.supportedGenerationMethods,
    temperature: spec.temperature,
    topP: spec.topP,
    topK: spec.topK,
    maxTemperature: spec.maxTemperature,
    thinking: spec.thinking ? true : undefined,
  };
}
