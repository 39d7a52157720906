/**
 * MODEL_ALIASES on the OpenAI-shaped routes: the alias target is the Gemini model (its quota, its
 * upstream path, its metrics); the answer names the model the client asked for.
 */
import { type Harness, startHarness } from "../support/gateway-harness.js";
import { postJson, request } from "../support/http.js";
import { expectChatStreamInvariants, postChatStream } from "../support/openai-chat-stream.js";

const ALIASES =
  "claude-*haiku*=gemini-2.5-flash-lite,claude-*=gemini-2.5-flash,text-embedding-3-small=gemini-embedding-001";

describe("MODEL_ALIASES", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { MODEL_ALIASES: ALIASES } });
  });
  afterAll(async () => {
    await harness.stop();
  });
  beforeEach(() => harness.fake.reset());

  test("chat: the first matching rule picks the Gemini model; the answer names the client's", async () => {
    const response = await postJson(`${harness.url}/v1/chat/completions`, {
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(response.status).toBe(200);
    expect(response.json.model).toBe("claude-sonnet-4-5");
    expect(harness.fake.requests.map((request) => request.path)).toEqual([
      "/v1beta/models/gemini-2.5-flash:generateContent",
    ]);

    const haiku = await postJson(`${harness.url}/v1/chat/completions`, {
      model: "claude-3-5-haiku-latest",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(haiku.json.model).toBe("claude-3-5-haiku-latest");
    expect(harness.fake.requests.at(-1)?.model).toBe("gemini-2.5-flash-lite");
  });

  test("chat streams: every chunk names the client's model", async () => {
    const answer = await postChatStream(harness.url, {
      model: "claude-opus-4",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    // The invariants include: every chunk names `model` as given.
    expect(expectChatStreamInvariants(answer, { model: "claude-opus-4" }).length).toBeGreaterThan(1);
    expect(harness.fake.requests[0]?.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
  });

  test("metrics and quota count the Gemini model, never the client's name", async () => {
    await postJson(`${harness.url}/v1/chat/completions`, {
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: "hi" }],
    });
    const metrics = (await request(`${harness.url}/metrics`)).text;
    expect(metrics).toMatch(/gateway_upstream_requests_total\{model="gemini-2\.5-flash",outcome="ok"\}/);
    expect(metrics).not.toContain("claude");
  });

  test("embeddings: the alias's Gemini model embeds; the answer names the client's model", async () => {
    const response = await postJson(`${harness.url}/v1/embeddings`, {
      model: "text-embedding-3-small",
      input: ["one", "two"],
    });
    expect(response.status).toBe(200);
    expect(response.json.model).toBe("text-embedding-3-small");
    expect(response.json.data).toHaveLength(2);
    expect(harness.fake.requests.map((request) => request.path)).toEqual([
      "/v1beta/models/gemini-embedding-001:batchEmbedContents",
    ]);
  });

  test("a Gemini id passes through wildcard rules unchanged", async () => {
    const response = await postJson(`${harness.url}/v1/chat/completions`, {
      model: "gemini-2.5-pro",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(response.json.model).toBe("gemini-2.5-pro");
    expect(harness.fake.requests[0]?.model).toBe("gemini-2.5-pro");
  });
});
