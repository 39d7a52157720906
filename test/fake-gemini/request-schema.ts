/**
 * The request messages of the Gemini API (v1beta), as far as the fake checks them: which fields exist and
 * of what type. Field names are lowerCamel; the parser also accepts their snake_case spelling, as Google's
 * proto-JSON parser does (reference §1). Sources: the wire names in js-genai's `_models_converters.ts`.
 */

export type ScalarKind = "string" | "bytes" | "float" | "int32" | "int64" | "bool";

export type FieldType =
  | { kind: "scalar"; scalar: ScalarKind }
  | { kind: "enum"; typeName: string; values: readonly string[] }
  | { kind: "message"; message: () => MessageSpec }
  /** google.protobuf.Struct: any JSON object. */
  | { kind: "struct" }
  /** google.protobuf.Value: any JSON value (real JSON Schema goes here). */
  | { kind: "value" }
  /** A proto map whose values are messages (`Schema.properties`). */
  | { kind: "map"; message: () => MessageSpec }
  /** Accepted as-is: server-side tool configs and media options the fake does not model. */
  | { kind: "opaque" };

export interface FieldSpec {
  type: FieldType;
  repeated?: boolean;
}

export interface MessageSpec {
  /** The proto name, as Google's messages spell it (e.g. `GenerateContentRequest`). */
  name: string;
  fields: Readonly<Record<string, FieldSpec>>;
}

const TYPE_PREFIX = "type.googleapis.com/google.ai.generativelanguage.v1beta.";

const string: FieldSpec = { type: { kind: "scalar", scalar: "string" } };
const strings: FieldSpec = { ...string, repeated: true };
const bytes: FieldSpec = { type: { kind: "scalar", scalar: "bytes" } };
const float: FieldSpec = { type: { kind: "scalar", scalar: "float" } };
const int32: FieldSpec = { type: { kind: "scalar", scalar: "int32" } };
const int64: FieldSpec = { type: { kind: "scalar", scalar: "int64" } };
const bool: FieldSpec = { type: { kind: "scalar", scalar: "bool" } };
const struct: FieldSpec = { type: { kind: "struct" } };
const value: FieldSpec = { type: { kind: "value" } };
const opaque: FieldSpec = { type: { kind: "opaque" } };

const enumOf = (typeName: string, values: readonly string[]): FieldSpec => ({
  type: { kind: "enum", typeName: TYPE_PREFIX + typeName, values },
});
const one = (message: () => MessageSpec): FieldSpec => ({ type: { kind: "message", message } });
const many = (message: () => MessageSpec): FieldSpec => ({
  type: { kind: "message", message },
  repeated: true,
});

export const SCHEMA_TYPES = [
  "TYPE_UNSPECIFIED",
  "STRING",
  "NUMBER",
  "INTEGER",
  "BOOLEAN",
  "ARRAY",
  "OBJECT",
  "NULL",
] as const;

/** The OpenAPI subset behind `parameters`, `response` and `responseSchema`: no `$schema`, `$ref`,
 * `additionalProperties`, `exclusiveMinimum`, `const`… and no type arrays. */
export const SCHEMA: MessageSpec = {
  name: "Schema",
  fields: {
    type: enumOf("Type", SCHEMA_TYPES),
    format: string,
    title: string,
    description: string,
    nullable: bool,
    enum: strings,
    maxItems: int64,
    minItems: int64,
    properties: { type: { kind: "map", message: () => SCHEMA } },
    required: strings,
    minProperties: int64,
    maxProperties: int64,
    minLength: int64,
    maxLength: int64,
    pattern: string,
    example: value,
    anyOf: many(() => SCHEMA),
    propertyOrdering: strings,
    default: value,
    items: one(() => SCHEMA),
    minimum: float,
    maximum: float,
  },
};

const BLOB: MessageSpec = { name: "Blob", fields: { mimeType: string, data: bytes } };
const FILE_DATA: MessageSpec = { name: "FileData", fields: { mimeType: string, fileUri: string } };
const FUNCTION_CALL: MessageSpec = {
  name: "FunctionCall",
  fields: { id: string, name: string, args: struct },
};
const FUNCTION_RESPONSE: MessageSpec = {
  name: "FunctionResponse",
  fields: {
    id: string,
    name: string,
    response: struct,
    parts: { ...opaque, repeated: true },
    willContinue: bool,
    scheduling: enumOf("FunctionResponse.Scheduling", [
      "SCHEDULING_UNSPECIFIED",
      "SILENT",
      "WHEN_IDLE",
      "INTERRUPT",
    ]),
  },
};
const EXECUTABLE_CODE: MessageSpec = {
  name: "ExecutableCode",
  fields: { language: enumOf("ExecutableCode.Language", ["LANGUAGE_UNSPECIFIED", "PYTHON"]), code: string },
};
const CODE_EXECUTION_RESULT: MessageSpec = {
  name: "CodeExecutionResult",
  fields: {
    outcome: enumOf("CodeExecutionResult.Outcome", [
      "OUTCOME_UNSPECIFIED",
      "OUTCOME_OK",
      "OUTCOME_FAILED",
      "OUTCOME_DEADLINE_EXCEEDED",
    ]),
    output: string,
  },
};
const VIDEO_METADATA: MessageSpec = {
  name: "VideoMetadata",
  fields: { startOffset: string, endOffset: string, fps: float },
};

/** The members of Part's `data` oneof; exactly one must be set. */
export const PART_DATA_FIELDS = [
  "text",
  "inlineData",
  "fileData",
  "functionCall",
  "functionResponse",
  "executableCode",
  "codeExecutionResult",
  "toolCall",
  "toolResponse",
] as const;

export const PART: MessageSpec = {
  name: "Part",
  fields: {
    text: string,
    inlineData: one(() => BLOB),
    fileData: one(() => FILE_DATA),
    functionCall: one(() => FUNCTION_CALL),
    functionResponse: one(() => FUNCTION_RESPONSE),
    executableCode: one(() => EXECUTABLE_CODE),
    codeExecutionResult: one(() => CODE_EXECUTION_RESULT),
    toolCall: opaque,
    toolResponse: opaque,
    thought: bool,
    thoughtSignature: bytes,
    videoMetadata: one(() => VIDEO_METADATA),
    partMetadata: struct,
    mediaResolution: opaque,
    audioTranscription: opaque,
    mediaProcessing: opaque,
  },
};

export const CONTENT: MessageSpec = { name: "Content", fields: { role: string, parts: many(() => PART) } };

const FUNCTION_DECLARATION: MessageSpec = {
  name: "FunctionDeclaration",
  fields: {
    name: string,
    description: string,
    parameters: one(() => SCHEMA),
    parametersJsonSchema: value,
    response: one(() => SCHEMA),
    responseJsonSchema: value,
    behavior: enumOf("FunctionDeclaration.Behavior", ["UNSPECIFIED", "BLOCKING", "NON_BLOCKING"]),
  },
};

const TOOL: MessageSpec = {
  name: "Tool",
  fields: {
    functionDeclarations: many(() => FUNCTION_DECLARATION),
    googleSearchRetrieval: opaque,
    codeExecution: opaque,
    googleSearch: opaque,
    urlContext: opaque,
    googleMaps: opaque,
    fileSearch: opaque,
    computerUse: opaque,
    mcpServers: { ...opaque, repeated: true },
  },
};

const TOOL_CONFIG: MessageSpec = {
  name: "ToolConfig",
  fields: {
    functionCallingConfig: one(() => ({
      name: "FunctionCallingConfig",
      fields: {
        mode: enumOf("FunctionCallingConfig.Mode", ["MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED"]),
        allowedFunctionNames: strings,
      },
    })),
    retrievalConfig: opaque,
  },
};

const SAFETY_SETTING: MessageSpec = {
  name: "SafetySetting",
  fields: {
    category: enumOf("HarmCategory", [
      "HARM_CATEGORY_UNSPECIFIED",
      "HARM_CATEGORY_DEROGATORY",
      "HARM_CATEGORY_TOXICITY",
      "HARM_CATEGORY_VIOLENCE",
      "HARM_CATEGORY_SEXUAL",
      "HARM_CATEGORY_MEDICAL",
      "HARM_CATEGORY_DANGEROUS",
      "HARM_CATEGORY_HARASSMENT",
      "HARM_CATEGORY_HATE_SPEECH",
      "HARM_CATEGORY_SEXUALLY_EXPLICIT",
      "HARM_CATEGORY_DANGEROUS_CONTENT",
      "HARM_CATEGORY_CIVIC_INTEGRITY",
    ]),
    threshold: enumOf("SafetySetting.HarmBlockThreshold", [
      "HARM_BLOCK_THRESHOLD_UNSPECIFIED",
      "BLOCK_LOW_AND_ABOVE",
      "BLOCK_MEDIUM_AND_ABOVE",
      "BLOCK_ONLY_HIGH",
      "BLOCK_NONE",
      "OFF",
    ]),
  },
};

export const THINKING_LEVELS = ["THINKING_LEVEL_UNSPECIFIED", "MINIMAL", "LOW", "MEDIUM", "HIGH"] as const;

const THINKING_CONFIG: MessageSpec = {
  name: "ThinkingConfig",
  fields: {
    includeThoughts: bool,
    thinkingBudget: int32,
    thinkingLevel: enumOf("ThinkingConfig.ThinkingLevel", THINKING_LEVELS),
  },
};

const GENERATION_CONFIG: MessageSpec = {
  name: "GenerationConfig",
  fields: {
    stopSequences: strings,
    responseMimeType: string,
    responseSchema: one(() => SCHEMA),
    responseJsonSchema: value,
    responseModalities: {
      ...enumOf("GenerationConfig.Modality", ["MODALITY_UNSPECIFIED", "TEXT", "IMAGE", "AUDIO"]),
      repeated: true,
    },
    candidateCount: int32,
    maxOutputTokens: int32,
    temperature: float,
    topP: float,
    topK: int32,
    seed: int32,
    presencePenalty: float,
    frequencyPenalty: float,
    responseLogprobs: bool,
    logprobs: int32,
    enableEnhancedCivicAnswers: bool,
    speechConfig: opaque,
    audioTranscriptionConfig: opaque,
    thinkingConfig: one(() => THINKING_CONFIG),
    imageConfig: opaque,
    mediaResolution: enumOf("GenerationConfig.MediaResolution", [
      "MEDIA_RESOLUTION_UNSPECIFIED",
      "MEDIA_RESOLUTION_LOW",
      "MEDIA_RESOLUTION_MEDIUM",
      "MEDIA_RESOLUTION_HIGH",
    ]),
  },
};

export const GENERATE_CONTENT_REQUEST: MessageSpec = {
  name: "GenerateContentRequest",
  fields: {
    model: string,
    contents: many(() => CONTENT),
    systemInstruction: one(() => CONTENT),
    tools: many(() => TOOL),
    toolConfig: one(() => TOOL_CONFIG),
    safetySettings: many(() => SAFETY_SETTING),
    generationConfig: one(() => GENERATION_CONFIG),
    cachedContent: string,
    serviceTier: string,
    // Sent by @google/genai 3.x to the Gemini API as well.
    labels: struct,
    store: bool,
    continuationToken: string,
  },
};

export const COUNT_TOKENS_REQUEST: MessageSpec = {
  name: "CountTokensRequest",
  fields: { contents: many(() => CONTENT), generateContentRequest: one(() => GENERATE_CONTENT_REQUEST) },
};

export const EMBED_CONTENT_REQUEST: MessageSpec = {
  name: "EmbedContentRequest",
  fields: {
    model: string,
    content: one(() => CONTENT),
    taskType: enumOf("TaskType", [
      "TASK_TYPE_UNSPECIFIED",
      "RETRIEVAL_QUERY",
      "RETRIEVAL_DOCUMENT",
      "SEMANTIC_SIMILARITY",
      "CLASSIFICATION",
      "CLUSTERING",
      "QUESTION_ANSWERING",
      "FACT_VERIFICATION",
      "CODE_RETRIEVAL_QUERY",
    ]),
    title: string,
    outputDimensionality: int32,
  },
};

export const BATCH_EMBED_CONTENTS_REQUEST: MessageSpec = {
  name: "BatchEmbedContentsRequest",
  fields: { requests: many(() => EMBED_CONTENT_REQUEST) },
};
