/**
 * The log as an operator reads it: one JSON line per request with route, model, status, the key that
 * served it (by id), attempts, upstream latency and tokens; LOG_LEVEL decides what is written.
 */
import { keyIdOf } from "../../src/keys/key-identity.js";
import { geminiErrors } from "../fake-gemini/errors.js";
import { reply } from "../fake-gemini/replies.js";
import { type Harness, startHarness, TEST_KEYS } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";
import { chatStreamOf } from "../support/openai-chat-stream.js";
import { waitFor } from "../support/poll.js";
import { postSse } from "../support/sse.js";

const [ALPHA, BRAVO] = TEST_KEYS;
const CHAT = { model: "gemini-2.5-flash", messages: [{ role: "user", content: "Say hi" }] };

function entries(harness: Harness): Array<Record<string, any>> {
  return harness.logs.map((line) => JSON.parse(line));
}

function requestLine(harness: Harness, requestId: string) {
  return entries(harness).find((entry) => entry.msg === "request" && entry.requestId === requestId);
}

describe("one line per request", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.stop();
  });
  beforeEach(() => harness.fake.reset());

  test("every line is a JSON object with an ISO time and a level by name", async () => {
    await fetch(`${harness.url}/health`);
    expect(harness.logs.length).toBeGreaterThan(0);
    for (const entry of entries(harness)) {
      expect(typeof entry.msg).toBe("string");
      expect(["debug", "info", "warn", "error", "fatal"]).toContain(entry.level);
      expect(new Date(entry.time).toISOString()).toBe(entry.time);
    }
  });

  test("a chat completion that failed over: route, model, status, key id, attempts, latency, tokens", async () => {
    harness.fake.enqueue(geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: "20s" }), {
      key: ALPHA,
    });
    harness.fake.enqueue(
      reply.text("Hi!", { usage: { promptTokenCount: 9, candidatesTokenCount: 2, thoughtsTokenCount: 4 } }),
      { key: BRAVO },
    );
    const response = await postJson(`${harness.url}/v1/chat/completions`, CHAT, {
      "x-request-id": "log-chat-1",
    });
    expect(response.status).toBe(200);
    const line = await waitFor(() => requestLine(harness, "log-chat-1"));
    expect(line).toEqual({
      level: "info",
      time: expect.any(String),
      msg: "request",
      requestId: "log-chat-1",
      method: "POST",
      route: "/v1/chat/completions",
      status: 200,
      model: "gemini-2.5-flash",
      keyId: keyIdOf(BRAVO),
      attempts: 2,
      upstreamLatencyMs: expect.any(Number),
      tokens: { prompt: 9, completion: 6, reasoning: 4, cached: 0 },
      durationMs: expect.any(Number),
    });
  });

  test("a stream's line is written when it ends, with the stream's tokens", async () => {
    harness.fake.enqueue(
      reply.text(["One ", "two ", "three"], {
        paceMs: 30,
        usage: { promptTokenCount: 5, candidatesTokenCount: 3, thoughtsTokenCount: 0 },
      }),
    );
    const response = chatStreamOf(
      await postSse(
        `${harness.url}/v1/chat/completions`,
        { ...CHAT, stream: true },
        { "x-request-id": "log-stream-1" },
      ),
    );
    expect(response.done).toBe(true);
    expect(response.afterDone).toEqual([]);
    const line = await waitFor(() => requestLine(harness, "log-stream-1"));
    expect(line).toMatchObject({
      route: "/v1/chat/completions",
      status: 200,
      model: "gemini-2.5-flash",
      keyId: expect.stringMatching(/^key-[0-9a-f]{10}$/),
      attempts: 1,
      tokens: { prompt: 5, completion: 3 },
    });
    expect(line.durationMs).toBeGreaterThanOrEqual(50);
    expect(line.aborted).toBeUndefined();
  });

  test("a native call's line names its route pattern and model", async () => {
    const response = await postJson(
      `${harness.url}/v1beta/models/gemini-2.5-flash:generateContent`,
      { contents: [{ role: "user", parts: [{ text: "hi" }] }] },
      { "x-request-id": "log-native-1" },
    );
    expect(response.status).toBe(200);
    const line = await waitFor(() => requestLine(harness, "log-native-1"));
    expect(line).toMatchObject({
      route: "/v1beta/models/:modelAction",
      model: "gemini-2.5-flash",
      status: 200,
      attempts: 1,
      keyId: expect.stringMatching(/^key-/),
    });
  });

  test("a client that hangs up mid-stream is logged as aborted", async () => {
    harness.fake.enqueue(reply.text(["a", "b", "c", "d", "e", "f"], { paceMs: 200 }));
    const controller = new AbortController();
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "log-abort-1" },
      body: JSON.stringify({ ...CHAT, stream: true }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    const line = await waitFor(() => requestLine(harness, "log-abort-1"));
    expect(line).toMatchObject({ route: "/v1/chat/completions", aborted: true });
  });

  test("a client that leaves before any answer is logged and counted as 499", async () => {
    harness.fake.enqueue(reply.delay(400, reply.text("too late")));
    const controller = new AbortController();
    const pending = fetch(`${harness.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "log-gone-1" },
      body: JSON.stringify(CHAT),
      signal: controller.signal,
    }).catch(() => undefined);
    await waitFor(() => (harness.fake.requests.length > 0 ? true : undefined));
    controller.abort();
    await pending;
    const line = await waitFor(() => requestLine(harness, "log-gone-1"));
    expect(line).toMatchObject({ route: "/v1/chat/completions", status: 499, aborted: true });
    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    expect(metrics).toContain(
      'gateway_http_requests_total{method="POST",route="/v1/chat/completions",status="499"} 1',
    );
  });

  test("health checks and scrapes are logged at debug level only", async () => {
    await fetch(`${harness.url}/metrics`, { headers: { "x-request-id": "log-metrics-1" } });
    const line = await waitFor(() => requestLine(harness, "log-metrics-1"));
    expect(line.level).toBe("debug");
  });
});

describe("LOG_LEVEL", () => {
  test("warn writes failures only: no line for a successful request, one for a 5xx", async () => {
    const harness = await startHarness({ env: { LOG_LEVEL: "warn" } });
    try {
      expect((await postJson(`${harness.url}/v1/chat/completions`, CHAT)).status).toBe(200);
      for (const key of TEST_KEYS) harness.fake.setKeyBehavior(key, geminiErrors.internal());
      const failed = await postJson(`${harness.url}/v1/chat/completions`, CHAT, {
        "x-request-id": "log-5xx",
      });
      expect(failed.status).toBe(502);
      const lines = entries(harness);
      expect(lines.every((entry) => entry.level === "warn" || entry.level === "error")).toBe(true);
      expect(lines.filter((entry) => entry.msg === "request")).toEqual([
        expect.objectContaining({ requestId: "log-5xx", status: 502, attempts: 3 }),
      ]);
    } finally {
      await harness.stop();
    }
  });
});
