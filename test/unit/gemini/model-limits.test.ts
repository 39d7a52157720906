import { clampMaxOutputTokens, outputTokenLimitFor } from "../../../src/gemini/model-limits.js";

describe("model output limits", () => {
  test.each([
    ["gemini-2.5-pro", 65_536],
    ["models/gemini-2.5-flash", 65_536],
    ["gemini-2.5-flash-image-preview", 8_192],
    ["gemini-2.0-flash", 8_192],
    ["gemini-3-pro-preview", 65_536],
    ["gemini-3-flash-preview", 65_536],
    ["gemma-3-27b-it", 8_192],
  ])("%s gives at most %d tokens", (model, limit) => {
    expect(outputTokenLimitFor(model)).toBe(limit);
  });

  test("a request above the limit is clamped to it, a smaller one kept, an unknown model only to int32", () => {
    expect(clampMaxOutputTokens("gemini-2.5-pro", 4_294_967_296)).toBe(65_536);
    expect(clampMaxOutputTokens("gemini-2.0-flash", 32_000)).toBe(8_192);
    expect(clampMaxOutputTokens("gemini-2.5-flash", 1_000)).toBe(1_000);
    expect(outputTokenLimitFor("learnlm-2.0-flash-experimental")).toBeUndefined();
    expect(clampMaxOutputTokens("learnlm-2.0-flash-experimental", 4_294_967_296)).toBe(2_147_483_647);
  });
});
