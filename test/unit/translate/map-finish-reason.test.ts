import { describe, expect, test } from "@jest/globals";
import type { GeminiFinishReason } from "../../../src/gemini/wire-types.js";
import type { OpenAIFinishReason } from "../../../src/openai/types.js";
import { finishReasonFor, mapFinishReason } from "../../../src/protocols/openai-chat/map-finish-reason.js";

/** Every value of Gemini's FinishReason enum (python-genai types.py plus the 2026 discovery additions). */
const expected: Record<GeminiFinishReason, OpenAIFinishReason> = {
  FINISH_REASON_UNSPECIFIED: "stop",
  STOP: "stop",
  MAX_TOKENS: "length",
  SAFETY: "content_filter",
  RECITATION: "content_filter",
  LANGUAGE: "content_filter",
  OTHER: "stop",
  BLOCKLIST: "content_filter",
  PROHIBITED_CONTENT: "content_filter",
  SPII: "content_filter",
  MALFORMED_FUNCTION_CALL: "stop",
  UNEXPECTED_TOOL_CALL: "stop",
  TOO_MANY_TOOL_CALLS: "stop",
  IMAGE_SAFETY: "content_filter",
  IMAGE_PROHIBITED_CONTENT: "content_filter",
  IMAGE_RECITATION: "content_filter",
  IMAGE_OTHER: "stop",
  NO_IMAGE: "stop",
  MISSING_THOUGHT_SIGNATURE: "stop",
  MALFORMED_RESPONSE: "stop",
  ESCALATION: "stop",
};

describe("Gemini finishReason → OpenAI finish_reason", () => {
  test.each(Object.entries(expected))("%s → %s", (gemini, openAI) => {
    expect(mapFinishReason(gemini)).toBe(openAI);
  });

  test("an absent or unknown value is stop", () => {
    expect(mapFinishReason(undefined)).toBe("stop");
    expect(mapFinishReason("SOMETHING_NEW_IN_2027")).toBe("stop");
  });

  test.each(Object.keys(expected))("%s after a tool call is tool_calls", (gemini) => {
    expect(finishReasonFor(gemini, true)).toBe("tool_calls");
  });

  test("without a call, the mapped reason", () => {
    expect(finishReasonFor("MAX_TOKENS", false)).toBe("length");
    expect(finishReasonFor(undefined, false)).toBe("stop");
  });
});
