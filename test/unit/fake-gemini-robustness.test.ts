/**
 * Hostile bodies never crash the fake or make it answer 5xx: each is a 4xx, as from Google.
 */
import { type FakeGemini, startFakeGemini } from "../fake-gemini/index.js";
import { callFake } from "../fake-gemini/test-client.js";

const KEY = "fake-key-robust-0001";

const NATIVE_BODIES: unknown[] = [
  "[]",
  "null",
  '"text"',
  "42",
  "{",
  { contents: null },
  { contents: [null] },
  { contents: "hello" },
  { contents: [{ parts: [null] }] },
  { contents: [{ parts: "x" }] },
  { contents: [{ role: 7, parts: [{ text: 1 }] }] },
  { contents: [{ parts: [{ text: "a", inlineData: { mimeType: "image/png", data: "%%%" } }] }] },
  { contents: [{ parts: [{ functionCall: { name: "f", args: [1, 2] } }] }] },
  { contents: [{ parts: [{ text: "a" }] }], generationConfig: [] },
  { contents: [{ parts: [{ text: "a" }] }], generationConfig: { candidateCount: 1.5, stopSequences: "x" } },
  {
    contents: [{ parts: [{ text: "a" }] }],
    tools: [{ functionDeclarations: [{ parameters: { properties: [] } }] }],
  },
  {
    contents: [{ parts: [{ text: "a" }] }],
    tools: [{ functionDeclarations: [{ name: "f", parameters: { type: {} } }] }],
  },
  { generateContentRequest: 5 },
  { requests: [null] },
  { requests: [{ content: { parts: [] } }] },
];

const COMPAT_BODIES: unknown[] = [
  "[]",
  { model: 5, messages: [] },
  { model: "gemini-2.0-flash", messages: [null] },
  { model: "gemini-2.0-flash", messages: [{ role: "wizard", content: "hi" }] },
  { model: "gemini-2.0-flash", messages: [{ role: "user", content: [{ type: "image_url", image_url: 3 }] }] },
  {
    model: "gemini-2.0-flash",
    messages: [{ role: "assistant", tool_calls: [{ function: { name: "f", arguments: "{bad" } }] }],
  },
  { model: "gemini-2.0-flash", messages: [{ role: "user", content: "x" }], reasoning_effort: "extreme" },
  { model: "gemini-embedding-001", input: [1, 2] },
];

describe("hostile input", () => {
  let fake: FakeGemini;

  beforeAll(async () => {
    fake = await startFakeGemini({ keys: [KEY] });
  });
  afterAll(() => fake.close());

  test.each([
    "/v1beta/models/gemini-2.5-flash:generateContent",
    "/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse",
    "/v1beta/models/gemini-2.5-flash:countTokens",
    "/v1beta/models/gemini-embedding-001:embedContent",
    "/v1beta/models/gemini-embedding-001:batchEmbedContents",
  ])("%s answers every bad body with a 4xx", async (path) => {
    for (const body of NATIVE_BODIES) {
      const answer = await callFake(fake, path, { apiKey: KEY, body });
      expect([path, body, answer.status < 500 && answer.status >= 400]).toEqual([path, body, true]);
    }
  });

  test.each(["/v1beta/openai/chat/completions", "/v1beta/openai/embeddings"])(
    "%s answers every bad body with an array-wrapped 4xx",
    async (path) => {
      for (const body of COMPAT_BODIES) {
        const answer = await callFake(fake, path, { body, headers: { authorization: `Bearer ${KEY}` } });
        expect([body, answer.status < 500 && answer.status >= 400, Array.isArray(answer.json)]).toEqual([
          body,
          true,
          true,
        ]);
      }
    },
  );

  test("an invalid page token and a malformed percent-encoding", async () => {
    expect((await callFake(fake, "/v1beta/models?pageToken=%%%", { apiKey: KEY })).status).toBe(400);
    expect((await callFake(fake, "/v1beta/models/%E0%A4%A", { apiKey: KEY })).status).toBe(404);
  });
});
