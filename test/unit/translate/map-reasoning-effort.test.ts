import { describe, expect, test } from "@jest/globals";
import type { GeminiThinkingConfig } from "../../../src/gemini/wire-types.js";
import { buildThinkingConfig } from "../../../src/translate/map-reasoning-effort.js";
import { thinkingSupportFor } from "../../../src/translate/model-thinking-support.js";
import { convert } from "./convert-request-helpers.js";
import { r07, r14 } from "./fixtures/client-requests.js";

type Effort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh";
const efforts: Effort[] = ["none", "minimal", "low", "medium", "high", "xhigh"];

/** Expected thinkingConfig per model family and effort, with reasoning shown (includeThoughts unless none). */
const table: Record<string, Record<Effort, GeminiThinkingConfig>> = {
  "gemini-2.5-pro": {
    none: { thinkingBudget: 128 },
    minimal: { includeThoughts: true, thinkingBudget: 512 },
    low: { includeThoughts: true, thinkingBudget: 1024 },
    medium: { includeThoughts: true, thinkingBudget: 8192 },
    high: { includeThoughts: true, thinkingBudget: 24576 },
    xhigh: { includeThoughts: true, thinkingBudget: 32768 },
  },
  "gemini-2.5-flash": {
    none: { thinkingBudget: 0 },
    minimal: { includeThoughts: true, thinkingBudget: 512 },
    low: { includeThoughts: true, thinkingBudget: 1024 },
    medium: { includeThoughts: true, thinkingBudget: 8192 },
    high: { includeThoughts: true, thinkingBudget: 24576 },
    xhigh: { includeThoughts: true, thinkingBudget: 24576 },
  },
  "gemini-2.5-flash-lite": {
    none: { thinkingBudget: 0 },
    minimal: { includeThoughts: true, thinkingBudget: 512 },
    low: { includeThoughts: true, thinkingBudget: 1024 },
    medium: { includeThoughts: true, thinkingBudget: 8192 },
    high: { includeThoughts: true, thinkingBudget: 24576 },
    xhigh: { includeThoughts: true, thinkingBudget: 24576 },
  },
  "gemini-3-pro-preview": {
    none: { thinkingLevel: "LOW" },
    minimal: { includeThoughts: true, thinkingLevel: "LOW" },
    low: { includeThoughts: true, thinkingLevel: "LOW" },
    medium: { includeThoughts: true, thinkingLevel: "HIGH" },
    high: { includeThoughts: true, thinkingLevel: "HIGH" },
    xhigh: { includeThoughts: true, thinkingLevel: "HIGH" },
  },
  "gemini-3-flash-preview": {
    none: { thinkingLevel: "MINIMAL" },
    minimal: { includeThoughts: true, thinkingLevel: "MINIMAL" },
    low: { includeThoughts: true, thinkingLevel: "LOW" },
    medium: { includeThoughts: true, thinkingLevel: "MEDIUM" },
    high: { includeThoughts: true, thinkingLevel: "HIGH" },
    xhigh: { includeThoughts: true, thinkingLevel: "HIGH" },
  },
  "gemini-3.7-flash": {
    none: { thinkingLevel: "LOW" },
    minimal: { includeThoughts: true, thinkingLevel: "LOW" },
    low: { includeThoughts: true, thinkingLevel: "LOW" },
    medium: { includeThoughts: true, thinkingLevel: "HIGH" },
    high: { includeThoughts: true, thinkingLevel: "HIGH" },
    xhigh: { includeThoughts: true, thinkingLevel: "HIGH" },
  },
  "gemini-flash-latest": {
    none: {},
    minimal: { includeThoughts: true },
    low: { includeThoughts: true },
    medium: { includeThoughts: true },
    high: { includeThoughts: true },
    xhigh: { includeThoughts: true },
  },
};

describe("reasoning_effort × model family → thinkingConfig", () => {
  const rows = Object.entries(table).flatMap(([model, byEffort]) =>
    efforts.map((effort) => [model, effort, byEffort[effort]] as const),
  );
  test.each(rows)("%s, %s", (model, effort, expected) => {
    const config = buildThinkingConfig({ model, effort, reasoningOutput: "reasoning_content" });
    expect(config ?? {}).toEqual(expected);
    expect(config?.thinkingBudget !== undefined && config?.thinkingLevel !== undefined).toBe(false);
  });

  test.each([
    "gemini-2.0-flash",
    "gemini-2.0-flash-lite",
    "gemma-3-27b-it",
    "gemini-2.5-flash-image",
    "gemini-2.5-flash-preview-tts",
  ])("%s has no thinking: no thinkingConfig for any effort", (model) => {
    for (const effort of efforts) {
      expect(buildThinkingConfig({ model, effort, reasoningOutput: "reasoning_content" })).toBeUndefined();
    }
  });

  test('"max" (Cline 4\'s name for xhigh) is accepted as xhigh', () => {
    expect(
      buildThinkingConfig({ model: "gemini-2.5-pro", effort: "max", reasoningOutput: "reasoning_content" }),
    ).toEqual({
      includeThoughts: true,
      thinkingBudget: 32768,
    });
  });

  test("with reasoningOutput none, thoughts are never requested but the effort still applies", () => {
    for (const effort of efforts) {
      const config = buildThinkingConfig({ model: "gemini-2.5-pro", effort, reasoningOutput: "none" });
      expect(config?.includeThoughts).toBeUndefined();
      expect(config?.thinkingBudget).toBe(table["gemini-2.5-pro"]?.[effort].thinkingBudget);
    }
    expect(
      buildThinkingConfig({ model: "gemini-2.5-pro", effort: undefined, reasoningOutput: "none" }),
    ).toBeUndefined();
  });

  test("without an effort, a thinking model is only asked for its thoughts", () => {
    expect(
      buildThinkingConfig({
        model: "gemini-3-pro-preview",
        effort: undefined,
        reasoningOutput: "reasoning_content",
      }),
    ).toEqual({ includeThoughts: true });
  });

  test("Google's extra_body.google.thinking_config is honoured, never with both level and budget", () => {
    expect(
      convert({
        ...r14,
        reasoning_effort: undefined,
        extra_body: { google: { thinking_config: { thinking_budget: 800, include_thoughts: true } } },
      }).body.generationConfig?.thinkingConfig,
    ).toEqual({ includeThoughts: true, thinkingBudget: 800 });
    expect(
      buildThinkingConfig({
        model: "gemini-3-pro-preview",
        effort: "low",
        reasoningOutput: "reasoning_content",
        explicitConfig: { thinking_level: "high", thinking_budget: 100 },
      }),
    ).toEqual({ includeThoughts: true, thinkingLevel: "HIGH" });
    expect(
      buildThinkingConfig({
        model: "gemini-2.5-flash",
        effort: undefined,
        reasoningOutput: "reasoning_content",
        explicitConfig: { thinking_budget: 0, include_thoughts: true },
      }),
    ).toEqual({ thinkingBudget: 0 });
  });

  test("R07 and R14 end up in generationConfig", () => {
    expect(convert(r07).body.generationConfig).toEqual({
      thinkingConfig: { includeThoughts: true, thinkingBudget: 24576 },
    });
    expect(convert(r14).body.generationConfig).toEqual({
      thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 },
    });
    expect(convert(r07, { reasoningOutput: "none" }).body.generationConfig).toEqual({
      thinkingConfig: { thinkingBudget: 24576 },
    });
  });

  test.each([
    ["models/gemini-2.5-pro", "budget"],
    ["gemini-2.5-flash-preview-09-2025", "budget"],
    ["gemini-2.5-flash-lite-preview-06-17", "budget"],
    ["gemini-3-pro-image-preview", "none"],
    ["gemini-2.5-flash-native-audio-preview", "none"],
    ["gemini-pro-latest", "default-only"],
    ["gemini-1.5-pro-latest", "none"],
    ["text-embedding-004", "none"],
  ])("%s thinking support is %s", (model, kind) => {
    expect(thinkingSupportFor(model).kind).toBe(kind);
  });
});
