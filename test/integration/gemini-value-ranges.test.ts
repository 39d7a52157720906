/**
 * Values Gemini cannot take are brought into its ranges before they go upstream: OpenAI's 64-bit
 * `seed` into int32, `max_tokens` to the model's output limit, a thinking budget to the model's maximum.
 */
import { type Harness, startHarness } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.stop();
});
beforeEach(() => harness.fake.reset());

async function generationConfigFor(extra: Record<string, unknown>, model = "gemini-2.5-flash") {
  const response = await postJson(`${harness.url}/v1/chat/completions`, {
    model,
    messages: [{ role: "user", content: "hi" }],
    ...extra,
  });
  expect({ status: response.status, error: response.json.error }).toEqual({ status: 200, error: undefined });
  const sent = harness.fake.requests[0]?.body as { generationConfig: Record<string, any> };
  return sent.generationConfig;
}

test.each([
  [2_147_483_647, 2_147_483_647],
  [2_147_483_648, -2_147_483_648],
  [4_294_967_296 + 42, 42],
  [-2_147_483_649, 2_147_483_647],
  [9_007_199_254_740_991, -1],
])("seed %d goes upstream as the int32 %d", async (seed, sent) => {
  expect((await generationConfigFor({ seed })).seed).toBe(sent);
});

test.each([
  ["gemini-2.5-flash", 4_294_967_296, 65_536],
  ["gemini-2.5-flash", 100_000, 65_536],
  ["gemini-2.5-flash", 1_000, 1_000],
  ["gemini-2.0-flash", 32_000, 8_192],
])("%s: max_tokens %d goes upstream as %d", async (model, maxTokens, sent) => {
  expect((await generationConfigFor({ max_tokens: maxTokens }, model)).maxOutputTokens).toBe(sent);
});

test("max_completion_tokens is clamped the same way", async () => {
  expect((await generationConfigFor({ max_completion_tokens: 4_294_967_296 })).maxOutputTokens).toBe(65_536);
});

test.each([
  ["gemini-2.5-flash", 4_294_967_296, 24_576],
  ["gemini-2.5-pro", 50_000, 32_768],
  ["gemini-2.5-flash", 2_048, 2_048],
  ["gemini-2.5-flash", 0, 0],
  ["gemini-2.5-flash", -1, -1],
])("%s: thinking_budget %d goes upstream as %d", async (model, budget, sent) => {
  const config = await generationConfigFor(
    { extra_body: { google: { thinking_config: { thinking_budget: budget } } } },
    model,
  );
  expect(config.thinkingConfig.thinkingBudget).toBe(sent);
});
