/**
 * Arbitrary Gemini stream chunks (`streamGenerateContent` with `alt=sse`), every shape the wire
 * reference and the recordings show and then some: text, thoughts, the empty (signed or unsigned) text
 * that closes a Gemini 3 stream, signed and unsigned function calls, parts the chat protocols do not
 * use, running or partial usage, finish reasons (unknown ones too), blocked prompts, several candidates,
 * candidates without `index` (gemini-2.0).
 */
import fc from "fast-check";
import type { GeminiGenerateContentResponse, GeminiPart } from "../../../src/gemini/wire-types.js";

export const FINISH_REASONS = [
  "STOP",
  "MAX_TOKENS",
  "SAFETY",
  "RECITATION",
  "LANGUAGE",
  "OTHER",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "MALFORMED_FUNCTION_CALL",
  "UNEXPECTED_TOOL_CALL",
  "TOO_MANY_TOOL_CALLS",
  "IMAGE_SAFETY",
  "MISSING_THOUGHT_SIGNATURE",
  "FINISH_REASON_UNSPECIFIED",
  "A_REASON_GOOGLE_ADDS_LATER",
] as const;

/** What Gemini's signatures look like on the wire (opaque base64). */
const signature = fc.base64String({ minLength: 8, maxLength: 24 });

/** Function names Gemini answers with: always valid Gemini names. */
export const geminiFunctionName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,20}$/);

const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom("", " ", "\n") },
);

export const geminiPart: fc.Arbitrary<GeminiPart> = fc.oneof(
  { weight: 6, arbitrary: text.map((value) => ({ text: value })) },
  { weight: 3, arbitrary: text.map((value) => ({ text: value, thought: true })) },
  { weight: 1, arbitrary: signature.map((value) => ({ text: "", thoughtSignature: value })) },
  {
    weight: 3,
    arbitrary: fc
      .record(
        {
          name: geminiFunctionName,
          args: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
          thoughtSignature: signature,
        },
        { requiredKeys: ["name"] },
      )
      .map(({ thoughtSignature, ...functionCall }) => ({
        functionCall,
        ...(thoughtSignature === undefined ? {} : { thoughtSignature }),
      })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<GeminiPart>(
      { executableCode: { language: "PYTHON", code: "print(1)" } },
      { codeExecutionResult: { outcome: "OUTCOME_OK", output: "1" } },
      { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
    ),
  },
);

const tokenCount = fc.nat({ max: 5000 });

const usageMetadata = fc.record(
  {
    promptTokenCount: tokenCount,
    candidatesTokenCount: tokenCount,
    thoughtsTokenCount: tokenCount,
    toolUsePromptTokenCount: tokenCount,
    cachedContentTokenCount: tokenCount,
    totalTokenCount: tokenCount,
  },
  { requiredKeys: [] },
);

const candidate = fc.record(
  {
    content: fc.record(
      { role: fc.constant("model"), parts: fc.array(geminiPart, { maxLength: 4 }) },
      { requiredKeys: ["role"] },
    ),
    finishReason: fc.constantFrom(...FINISH_REASONS),
    finishMessage: fc.string({ maxLength: 10 }),
    index: fc.nat({ max: 2 }),
  },
  { requiredKeys: [] },
);

export const geminiStreamChunk: fc.Arbitrary<GeminiGenerateContentResponse> = fc.record(
  {
    candidates: fc.array(candidate, { maxLength: 3 }),
    usageMetadata,
    promptFeedback: fc.constantFrom({ blockReason: "SAFETY" }, { blockReason: "OTHER" }, {}),
    modelVersion: fc.constant("gemini-2.5-flash"),
    responseId: fc.constant("fixedResponseId0000001"),
  },
  { requiredKeys: ["modelVersion", "responseId"] },
);

/** A whole stream: the chunks one response arrives in. */
export const geminiStream = fc.array(geminiStreamChunk, { maxLength: 8 });
