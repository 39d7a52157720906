import { describe, expect, test } from "@jest/globals";
import { mergeGeminiUsage as mergeUsage } from "../../../src/engine/answer-usage.js";
import type { GeminiUsageMetadata } from "../../../src/gemini/wire-types.js";
import { convertUsage } from "../../../src/protocols/openai-chat/convert-usage.js";

describe("usageMetadata → usage", () => {
  const cases: Array<[string, GeminiUsageMetadata | undefined, Record<string, unknown>]> = [
    [
      "recorded 2.5 flash call: thoughts inside completion",
      { candidatesTokenCount: 22, promptTokenCount: 65, thoughtsTokenCount: 59, totalTokenCount: 146 },
      { prompt_tokens: 65, completion_tokens: 81, total_tokens: 146, cached: 0, reasoning: 59 },
    ],
    [
      "cached tokens stay inside prompt_tokens and are reported twice",
      {
        promptTokenCount: 18234,
        candidatesTokenCount: 32,
        thoughtsTokenCount: 380,
        cachedContentTokenCount: 12000,
      },
      { prompt_tokens: 18234, completion_tokens: 412, total_tokens: 18646, cached: 12000, reasoning: 380 },
    ],
    [
      "tool-use prompt tokens count as prompt",
      { promptTokenCount: 100, toolUsePromptTokenCount: 40, candidatesTokenCount: 10, totalTokenCount: 150 },
      { prompt_tokens: 140, completion_tokens: 10, total_tokens: 150, cached: 0, reasoning: 0 },
    ],
    [
      "maxOutputTokens 1: no candidatesTokenCount",
      { promptTokenCount: 5, totalTokenCount: 5 },
      { prompt_tokens: 5, completion_tokens: 0, total_tokens: 5, cached: 0, reasoning: 0 },
    ],
    [
      "no usage at all",
      undefined,
      { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cached: 0, reasoning: 0 },
    ],
  ];
  test.each(cases)("%s", (_name, metadata, counts) => {
    expect(convertUsage(metadata)).toEqual({
      prompt_tokens: counts.prompt_tokens,
      completion_tokens: counts.completion_tokens,
      total_tokens: counts.total_tokens,
      prompt_tokens_details: { cached_tokens: counts.cached },
      completion_tokens_details: { reasoning_tokens: counts.reasoning },
      cache_read_input_tokens: counts.cached,
    });
  });

  test("total is always prompt + completion, even when Gemini's own total disagrees", () => {
    const usage = convertUsage({ promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 999 });
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(usage.total_tokens).toBe(15);
  });

  test("streams keep the latest value of each field (running totals, Vertex partials)", () => {
    const latest: GeminiUsageMetadata = {};
    mergeUsage(latest, { promptTokenCount: 7, candidatesTokenCount: 51, thoughtsTokenCount: 45 });
    mergeUsage(latest, { trafficType: "ON_DEMAND" } as GeminiUsageMetadata);
    mergeUsage(latest, { promptTokenCount: 7, thoughtsTokenCount: 60 });
    mergeUsage(latest, { promptTokenCount: 7, candidatesTokenCount: 153, cachedContentTokenCount: 2 });
    expect(latest).toEqual({
      promptTokenCount: 7,
      candidatesTokenCount: 153,
      thoughtsTokenCount: 60,
      cachedContentTokenCount: 2,
    });
  });
});
