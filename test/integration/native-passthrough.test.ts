/**
 * The native Gemini passthrough (`/v1beta/models/...`) against the fake Gemini: rotation, failover
 * before the first byte, streams relayed byte for byte, and no client secret ever reaching upstream.
 */

import { type FakeChunk, geminiErrors, reply, streamSteps } from "../fake-gemini/index.js";
import { callFake } from "../fake-gemini/test-client.js";
import { type Harness, startHarness, TEST_KEYS } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";

const [ALPHA, BRAVO, CHARLIE] = TEST_KEYS;
const GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
const STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent";
const PROMPT = { contents: [{ role: "user", parts: [{ text: "Say hi" }] }] };

const CHUNKS: FakeChunk[] = [
  {
    candidates: [{ content: { parts: [{ text: "One, " }], role: "model" }, index: 0 }],
    usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 2, totalTokenCount: 6 },
    modelVersion: "gemini-2.5-flash",
    responseId: "fixedResponseId0000001",
  },
  {
    candidates: [{ content: { parts: [{ text: "two, " }], role: "model" }, index: 0 }],
    usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 4, totalTokenCount: 8 },
    modelVersion: "gemini-2.5-flash",
    responseId: "fixedResponseId0000001",
  },
  {
    candidates: [{ content: { parts: [{ text: "three." }], role: "model" }, finishReason: "STOP", index: 0 }],
    usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 6, totalTokenCount: 10 },
    modelVersion: "gemini-2.5-flash",
    responseId: "fixedResponseId0000001",
  },
];

/** POSTs to a native route with exactly the credentials a test gives (native clients send their own). */
const post = (harness: Harness, path: string, body: unknown, headers: Record<string, string> = {}) =>
  postJson(`${harness.url}${path}`, body, headers, { token: null });

/** Reads a response body as the network delivered it, one piece a read; `afterRead` runs after each. */
async function readPieces(response: Response, afterRead: () => void): Promise<string[]> {
  const pieces: string[] = [];
  const decoder = new TextDecoder();
  const reader = response.body!.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    pieces.push(decoder.decode(next.value, { stream: true }));
    afterRead();
  }
  return pieces;
}

describe("native passthrough /v1beta/models", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness.stop();
  });

  test("generateContent rotates over the keys, each key in x-goog-api-key", async () => {
    for (let index = 0; index < 6; index++) {
      const response = await post(harness, GENERATE, PROMPT);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(response.json.candidates[0].content.parts[0].text).toBe("Echo: Say hi");
    }
    expect(harness.fake.counts({ action: "generateContent" })).toEqual({
      [ALPHA]: 2,
      [BRAVO]: 2,
      [CHARLIE]: 2,
    });
    expect(harness.fake.requests.every((request) => request.keySource === "x-goog-api-key")).toBe(true);
  });

  test("the request body reaches upstream byte for byte", async () => {
    const oddlyFormatted =
      '{ "contents" :[ {"parts":[{"text":"spaced\\u0020out é"}], "role":"user"} ] ,\n "generationConfig": {"temperature": 0.50}}';
    const response = await post(harness, GENERATE, oddlyFormatted);
    expect(response.status).toBe(200);
    expect(harness.fake.requests[0]?.rawBody).toBe(oddlyFormatted);
  });

  test("an SSE stream arrives intact, byte for byte and chunk for chunk, as it is produced", async () => {
    // The same fixed chunks straight from the fake, as the reference for the bytes.
    harness.fake.enqueue(reply.chunks(CHUNKS));
    const direct = await callFake(harness.fake, `${STREAM}?alt=sse`, { body: PROMPT, apiKey: ALPHA });
    harness.fake.reset();

    // The fake sends each event only once the client has read the one before: a gateway that gathered
    // events up would never finish this stream, and each read holds exactly one event.
    const steps = streamSteps();
    harness.fake.enqueue(reply.chunks(CHUNKS, { gate: steps.gate }));
    const response = await fetch(`${harness.url}${STREAM}?alt=sse`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(PROMPT),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const pieces = await readPieces(response, steps.next);

    expect(pieces.join("")).toBe(direct.text);
    expect(direct.text.split("\r\n\r\n").filter(Boolean)).toHaveLength(3);
    expect(pieces).toEqual(direct.text.split(/(?<=\r\n\r\n)/));
    expect(harness.fake.requests[0]?.query).toEqual({ alt: "sse" });
  });

  test("a stream without alt=sse (Gemini's JSON array) passes through", async () => {
    harness.fake.enqueue(reply.chunks(CHUNKS));
    const direct = await callFake(harness.fake, STREAM, { body: PROMPT, apiKey: ALPHA });
    harness.fake.reset();
    harness.fake.enqueue(reply.chunks(CHUNKS));
    const response = await post(harness, STREAM, PROMPT);
    expect(response.status).toBe(200);
    expect(response.text).toBe(direct.text);
    expect(response.json).toHaveLength(3);
  });

  test("a 429 moves generateContent and a stream to another key before the first byte", async () => {
    harness.fake.setKeyBehavior(
      ALPHA,
      geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: "30s" }),
    );
    const generated = await post(harness, GENERATE, PROMPT);
    expect(generated.status).toBe(200);
    expect(generated.json.candidates[0].content.parts[0].text).toBe("Echo: Say hi");
    expect(harness.fake.requests.map((request) => request.key)).toEqual([ALPHA, BRAVO]);

    // Round robin goes on with CHARLIE, which refuses too; ALPHA rests, so BRAVO serves the stream.
    harness.fake.setKeyBehavior(
      CHARLIE,
      geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: "30s" }),
    );
    harness.fake.enqueue(reply.chunks(CHUNKS), { key: BRAVO });
    const streamed = await post(harness, `${STREAM}?alt=sse`, PROMPT);
    expect(streamed.status).toBe(200);
    expect(streamed.text).toContain("three.");
    expect(streamed.text).not.toContain("RESOURCE_EXHAUSTED");
    expect(harness.fake.requests.slice(2).map((request) => request.key)).toEqual([CHARLIE, BRAVO]);
  });

  test("a 200 stream whose first event is an error moves to another key; the client never sees it", async () => {
    harness.fake.enqueue(reply.midStreamError({ afterChunks: 0, error: geminiErrors.unavailable() }), {
      key: ALPHA,
    });
    const response = await post(harness, `${STREAM}?alt=sse`, PROMPT);
    expect(response.status).toBe(200);
    expect(response.text).not.toContain('"error"');
    const texts = response.text
      .split("\r\n\r\n")
      .filter(Boolean)
      .map((event) => JSON.parse(event.slice("data: ".length)).candidates[0].content.parts[0].text);
    expect(texts.join("")).toBe("Echo: Say hi");
    expect(harness.fake.requests.map((request) => request.key)).toEqual([ALPHA, BRAVO]);
  });

  test("an error after the first event reaches the client inside the stream, as Google sent it", async () => {
    // Paced, so the first event is out (and the client committed) before the error comes.
    harness.fake.enqueue(
      reply.midStreamError({
        afterChunks: 1,
        error: geminiErrors.internal(),
        from: reply.text(["Once ", "upon"], { paceMs: 100 }),
      }),
    );
    const response = await post(harness, `${STREAM}?alt=sse`, PROMPT);
    expect(response.status).toBe(200);
    const events = response.text.split("\r\n\r\n").filter(Boolean);
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[1]!.slice("data: ".length))).toMatchObject({
      error: { code: 500, status: "INTERNAL" },
    });
    expect(harness.fake.requests).toHaveLength(1);
  });

  test("a connection that breaks before the first byte moves to another key", async () => {
    harness.fake.enqueue(reply.drop(0), { key: ALPHA });
    const response = await post(harness, `${STREAM}?alt=sse`, PROMPT);
    expect(response.status).toBe(200);
    expect(harness.fake.requests.map((request) => request.key)).toEqual([ALPHA, BRAVO]);
  });

  test("a connection that breaks after the first event ends the stream with an error event, never silently", async () => {
    harness.fake.enqueue(reply.drop(1, reply.text(["Once ", "upon"], { paceMs: 100 })));
    const response = await post(harness, `${STREAM}?alt=sse`, PROMPT);
    expect(response.status).toBe(200);
    const events = response.text.split("\r\n\r\n").filter(Boolean);
    expect(events).toHaveLength(2);
    expect(events[0]).toContain("Once ");
    expect(JSON.parse(events[1]!.slice("data: ".length))).toEqual({
      error: {
        code: 502,
        message: expect.stringContaining("Upstream stream interrupted"),
        status: "UNAVAILABLE",
      },
    });
  });

  test("the client's own mistake is Google's error body with its status, never retried on other keys", async () => {
    const response = await post(harness, "/v1beta/models/gemini-9-ultra:generateContent", PROMPT);
    expect(response.status).toBe(404);
    expect(response.json).toEqual({
      error: {
        code: 404,
        message: expect.stringContaining("models/gemini-9-ultra is not found for API version v1beta"),
        status: "NOT_FOUND",
      },
    });
    expect(harness.fake.requests).toHaveLength(1);

    const invalid = await post(harness, GENERATE, { contents: [], bogusField: 1 });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
    expect(invalid.json.error.details[0]["@type"]).toBe("type.googleapis.com/google.rpc.BadRequest");
  });

  test("when every key rests, the answer is 429 in Gemini's envelope with Retry-After", async () => {
    for (const key of TEST_KEYS) {
      harness.fake.setKeyBehavior(
        key,
        geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: "20s" }),
      );
    }
    const response = await post(harness, GENERATE, PROMPT);
    expect(response.status).toBe(429);
    expect(response.json).toEqual({
      error: { code: 429, message: expect.stringContaining("rate limited"), status: "RESOURCE_EXHAUSTED" },
    });
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(19);
  });

  test("countTokens passes through with Google's answer", async () => {
    const body = { contents: [{ role: "user", parts: [{ text: "How many tokens is this sentence?" }] }] };
    const direct = await callFake(harness.fake, "/v1beta/models/gemini-2.5-flash:countTokens", {
      body,
      apiKey: ALPHA,
    });
    const response = await post(harness, "/v1beta/models/gemini-2.5-flash:countTokens", body);
    expect(response.status).toBe(200);
    expect(response.text).toBe(direct.text);
    expect(response.json.totalTokens).toBe(9);
    expect(harness.fake.requests.at(-1)?.action).toBe("countTokens");
  });

  test("embedContent and batchEmbedContents pass through", async () => {
    const single = await post(harness, "/v1beta/models/gemini-embedding-001:embedContent", {
      content: { parts: [{ text: "alpha" }] },
      outputDimensionality: 4,
    });
    expect(single.status).toBe(200);
    expect(single.json.embedding.values).toHaveLength(4);
    const batch = await post(harness, "/v1beta/models/gemini-embedding-001:batchEmbedContents", {
      requests: ["a", "b"].map((text) => ({
        model: "models/gemini-embedding-001",
        content: { parts: [{ text }] },
        outputDimensionality: 4,
      })),
    });
    expect(batch.status).toBe(200);
    expect(batch.json.embeddings).toHaveLength(2);
  });

  test("the model list passes through with pageSize and pageToken; one model by name", async () => {
    const first = await fetch(`${harness.url}/v1beta/models?pageSize=2`);
    expect(first.status).toBe(200);
    const firstPage = (await first.json()) as { models: Array<{ name: string }>; nextPageToken: string };
    expect(firstPage.models.map((model) => model.name)).toHaveLength(2);
    expect(firstPage.models[0]!.name).toMatch(/^models\//);
    expect(firstPage.nextPageToken).toEqual(expect.any(String));

    const second = await fetch(
      `${harness.url}/v1beta/models?pageSize=2&pageToken=${encodeURIComponent(firstPage.nextPageToken)}`,
    );
    const secondPage = (await second.json()) as { models: Array<{ name: string }> };
    expect(secondPage.models).toHaveLength(2);
    expect(secondPage.models[0]!.name).not.toBe(firstPage.models[0]!.name);
    expect(harness.fake.requests.map((request) => request.query)).toEqual([
      { pageSize: "2" },
      { pageSize: "2", pageToken: firstPage.nextPageToken },
    ]);

    const one = await fetch(`${harness.url}/v1beta/models/gemini-2.5-pro`);
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ name: "models/gemini-2.5-pro", displayName: "Gemini 2.5 Pro" });

    const unknown = await fetch(`${harness.url}/v1beta/models/gemini-9-ultra`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as any).error.message).toBe(
      "Model is not found: models/gemini-9-ultra for api version v1beta",
    );
  });

  test("unknown native paths and methods are 404 in Gemini's envelope, without an upstream call", async () => {
    for (const [method, path] of [
      ["POST", "/v1beta/models/gemini-2.5-flash:predict"],
      ["POST", "/v1beta/models/gemini-2.5-flash"],
      ["GET", "/v1beta/models/gemini-2.5-flash:generateContent"],
      ["GET", "/v1beta/files"],
    ] as const) {
      const response = await fetch(`${harness.url}${path}`, {
        method,
        ...(method === "POST" ? { body: "{}", headers: { "content-type": "application/json" } } : {}),
      });
      expect(response.status).toBe(404);
      const body = (await response.json()) as any;
      expect(body.error).toMatchObject({ code: 404, status: "NOT_FOUND" });
    }
    expect(harness.fake.requests).toHaveLength(0);
  });

  test("a native call on /v1 (the SDK's default version) hears that the native API lives under /v1beta", async () => {
    const response = await post(harness, "/v1/models/gemini-2.5-flash:generateContent", PROMPT);
    expect(response.status).toBe(404);
    expect(response.json.error).toMatchObject({ code: 404, status: "NOT_FOUND" });
    expect(response.json.error.message).toContain('apiVersion: "v1beta"');
    expect(harness.fake.requests).toHaveLength(0);
  });

  test("tokens of native calls count in the metrics", async () => {
    const generated = await post(harness, GENERATE, PROMPT);
    const echoPrompt = generated.json.usageMetadata.promptTokenCount;
    expect(echoPrompt).toBeGreaterThan(0);
    harness.fake.enqueue(reply.chunks(CHUNKS));
    await post(harness, `${STREAM}?alt=sse`, PROMPT);
    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    const prompt = metrics.match(/gateway_tokens_total\{model="gemini-2.5-flash",type="prompt"\} (\d+)/);
    const completion = metrics.match(
      /gateway_tokens_total\{model="gemini-2.5-flash",type="completion"\} (\d+)/,
    );
    // The echo answer's prompt and the stream's last running total (4 prompt, 6 candidates), counted once.
    expect(Number(prompt?.[1])).toBe(echoPrompt + 4);
    expect(Number(completion?.[1])).toBeGreaterThanOrEqual(6);
    expect(metrics).toMatch(
      /gateway_http_requests_total\{method="POST",route="\/v1beta\/models\/:modelAction",status="200"\} 2/,
    );
  });
});

describe("native passthrough keeps client secrets away from Google", () => {
  const CLIENT_TOKEN = "client-token-not-a-google-key";
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { ACCESS_TOKEN: CLIENT_TOKEN } });
  });
  afterAll(async () => {
    await harness.stop();
  });
  afterEach(() => harness.fake.reset());

  const expectNoClientSecretUpstream = () => {
    expect(harness.fake.requests.length).toBeGreaterThan(0);
    for (const request of harness.fake.requests) {
      expect(request.query).not.toHaveProperty("key");
      expect(request.keySource).toBe("x-goog-api-key");
      expect(TEST_KEYS).toContain(request.headers["x-goog-api-key"]);
      expect(request.headers.authorization).toBeUndefined();
      expect(JSON.stringify(request)).not.toContain(CLIENT_TOKEN);
    }
  };

  test("a token in ?key= is checked, then removed; other query parameters pass", async () => {
    const response = await post(harness, `${STREAM}?alt=sse&key=${CLIENT_TOKEN}`, PROMPT);
    expect(response.status).toBe(200);
    expect(harness.fake.requests[0]?.query).toEqual({ alt: "sse" });
    const list = await fetch(`${harness.url}/v1beta/models?key=${CLIENT_TOKEN}&pageSize=3`);
    expect(list.status).toBe(200);
    expect(harness.fake.requests[1]?.query).toEqual({ pageSize: "3" });
    expectNoClientSecretUpstream();
  });

  test("a token in x-goog-api-key is checked, then replaced by a pool key", async () => {
    const response = await post(harness, GENERATE, PROMPT, { "x-goog-api-key": CLIENT_TOKEN });
    expect(response.status).toBe(200);
    const counted = await post(harness, "/v1beta/models/gemini-2.5-flash:countTokens", PROMPT, {
      "x-goog-api-key": CLIENT_TOKEN,
    });
    expect(counted.status).toBe(200);
    expectNoClientSecretUpstream();
  });

  test("a token as Bearer works too and the Authorization header is not forwarded", async () => {
    const response = await post(harness, GENERATE, PROMPT, { authorization: `Bearer ${CLIENT_TOKEN}` });
    expect(response.status).toBe(200);
    expectNoClientSecretUpstream();
  });

  test("a wrong or missing token is refused in Gemini's envelope, before any upstream call", async () => {
    const wrong = await post(harness, GENERATE, PROMPT, {
      "x-goog-api-key": "AIzaSyWrongTokenWrongTokenWrong00",
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toMatchObject({ code: 401, status: "UNAUTHENTICATED" });
    const missing = await post(harness, GENERATE, PROMPT);
    expect(missing.status).toBe(401);
    expect(harness.fake.requests).toHaveLength(0);
  });
});
