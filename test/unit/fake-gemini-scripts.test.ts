/**
 * The scripting API: one-shot and per-key replies, the real error bodies, and the failure modes a gateway
 * must survive (mid-stream errors, dropped connections, hangs, slow first bytes).
 */
import { type FakeGemini, geminiErrors, reply, startFakeGemini } from "../fake-gemini/index.js";
import { callFake, sseEvents } from "../fake-gemini/test-client.js";

const ALPHA = "fake-key-alpha-0001";
const BRAVO = "fake-key-bravo-0002";
const BODY = { contents: [{ role: "user", parts: [{ text: "one two three four five six" }] }] };
const GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
const STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";

describe("scripted replies", () => {
  let fake: FakeGemini;
  const post = (path: string, apiKey = ALPHA, body: unknown = BODY) => callFake(fake, path, { apiKey, body });

  beforeAll(async () => {
    fake = await startFakeGemini({ keys: [ALPHA, BRAVO] });
  });
  afterAll(() => fake.close());
  afterEach(() => fake.reset());

  test("one-shot scripts are consumed in FIFO order among those that match", async () => {
    fake.enqueue(reply.text("for bravo"), { key: BRAVO });
    fake.enqueue(reply.text("first"));
    fake.enqueue(reply.text("second"), { model: "gemini-2.5-flash", action: "generateContent" });
    fake.enqueue(reply.text("pro only"), { model: "gemini-2.5-pro" });

    const texts = [];
    for (const key of [ALPHA, ALPHA, BRAVO, ALPHA]) {
      const answer = await post(GENERATE, key);
      texts.push(
        (answer.json as { candidates: [{ content: { parts: [{ text: string }] } }] }).candidates[0].content
          .parts[0].text,
      );
    }

    expect(texts).toEqual(["first", "second", "for bravo", "Echo: one two three four five six"]);
    expect(fake.pendingScripts()).toBe(1);
  });

  test("content scripts wait for a generation request; errors answer anything", async () => {
    fake.enqueue(reply.text("for generation"));
    fake.enqueue(geminiErrors.internal(), { action: "countTokens" });

    const counted = await post("/v1beta/models/gemini-2.5-flash:countTokens");
    const generated = await post(GENERATE);

    expect(counted.status).toBe(500);
    expect(generated.text).toContain("for generation");
  });

  test("a key behaviour persists until cleared, and wins over one-shot scripts", async () => {
    fake.setKeyBehavior(BRAVO, geminiErrors.quotaPerDay({ model: "gemini-2.5-flash" }));
    fake.enqueue(reply.text("queued"));

    expect((await post(GENERATE, BRAVO)).status).toBe(429);
    expect((await post(GENERATE, BRAVO)).status).toBe(429);
    expect((await post(GENERATE, ALPHA)).text).toContain("queued");
    fake.setKeyBehavior(BRAVO, null);
    expect((await post(GENERATE, BRAVO)).status).toBe(200);
  });

  test("the per-minute 429 is byte-for-byte the live capture", async () => {
    fake.enqueue(
      geminiErrors.rateLimitPerMinute({ model: "gemini-3.5-flash-lite", retryDelay: 38.292227434 }),
    );
    const answer = await post(GENERATE);

    expect(answer.status).toBe(429);
    expect(answer.headers.get("retry-after")).toBeNull();
    expect(answer.json).toEqual({
      error: {
        code: 429,
        message:
          "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/rate-limit. \n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 15, model: gemini-3.5-flash-lite\nPlease retry in 38.292227434s.",
        status: "RESOURCE_EXHAUSTED",
        details: [
          {
            "@type": "type.googleapis.com/google.rpc.Help",
            links: [
              {
                description: "Learn more about Gemini API quotas",
                url: "https://ai.google.dev/gemini-api/docs/rate-limits",
              },
            ],
          },
          {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            violations: [
              {
                quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                quotaDimensions: { location: "global", model: "gemini-3.5-flash-lite" },
                quotaValue: "15",
              },
            ],
          },
          { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "38s" },
        ],
      },
    });
  });

  test("the other ready-made errors carry Google's statuses", () => {
    const statuses = [
      geminiErrors.tokensPerMinute({ model: "m" }),
      geminiErrors.limitZero({ model: "gemini-2.5-pro" }),
      geminiErrors.bareRateLimit(),
      geminiErrors.leakedKey(),
      geminiErrors.serviceDisabled(),
      geminiErrors.consumerSuspended(),
      geminiErrors.internal(),
      geminiErrors.unavailable(),
      geminiErrors.deadlineExceeded(),
      geminiErrors.notFound("m"),
      geminiErrors.contextOverflow(2_000_000),
    ].map(({ status, body }) => [status, (body as { error: { status: string } }).error.status]);

    expect(statuses).toEqual([
      [429, "RESOURCE_EXHAUSTED"],
      [429, "RESOURCE_EXHAUSTED"],
      [429, "RESOURCE_EXHAUSTED"],
      [403, "PERMISSION_DENIED"],
      [403, "PERMISSION_DENIED"],
      [403, "PERMISSION_DENIED"],
      [500, "INTERNAL"],
      [503, "UNAVAILABLE"],
      [504, "DEADLINE_EXCEEDED"],
      [404, "NOT_FOUND"],
      [400, "INVALID_ARGUMENT"],
    ]);
    expect(JSON.stringify(geminiErrors.limitZero({ model: "gemini-2.5-pro" }).body)).toContain(
      "limit: 0, model: gemini-2.5-pro",
    );
  });

  test("an error scripted on the JSON-array stream comes wrapped in an array", async () => {
    fake.enqueue(geminiErrors.unavailable());
    const answer = await post("/v1beta/models/gemini-2.5-flash:streamGenerateContent");

    expect(answer.status).toBe(503);
    expect(answer.json).toEqual([geminiErrors.unavailable().body]);
  });

  test("a mid-stream error as a data: event after N chunks, inside a 200", async () => {
    fake.enqueue(reply.midStreamError({ afterChunks: 2, error: geminiErrors.unavailable() }));
    const answer = await post(STREAM);
    const events = sseEvents(answer.text);

    expect(answer.status).toBe(200);
    expect(events).toHaveLength(3);
    expect(events[2]).toEqual(geminiErrors.unavailable().body);
    expect(answer.text.endsWith('"status": "UNAVAILABLE"}}\r\n\r\n')).toBe(true);
  });

  test("a mid-stream error as Google's bare pretty JSON", async () => {
    fake.enqueue(reply.midStreamError({ afterChunks: 1, error: geminiErrors.internal(), form: "bare-json" }));
    const answer = await post(STREAM);

    expect(answer.text).toMatch(/^data: [^\r\n]+\r\n\r\n\{\n {2}"error": \{\n {4}"code": 500,/);
  });

  test("a mid-stream error scripted for a non-streaming call is a plain HTTP error", async () => {
    fake.enqueue(reply.midStreamError({ afterChunks: 1, error: geminiErrors.internal() }));
    expect((await post(GENERATE)).status).toBe(500);
  });

  test("a dropped connection after one chunk: the client gets the chunk, then a network error", async () => {
    fake.enqueue(reply.drop(1));
    const response = await fetch(`${fake.url}${STREAM}`, {
      method: "POST",
      headers: { "x-goog-api-key": ALPHA, "content-type": "application/json" },
      body: JSON.stringify(BODY),
    });
    const reader = response.body!.getReader();
    const first = await reader.read();

    expect(response.status).toBe(200);
    expect(new TextDecoder().decode(first.value)).toContain("data: {");
    await expect(
      (async () => {
        while (!(await reader.read()).done) {}
      })(),
    ).rejects.toThrow();
  });

  test("a drop after zero chunks sends nothing at all", async () => {
    fake.enqueue(reply.drop(0));
    await expect(post(GENERATE)).rejects.toThrow();
  });

  test("a delay holds the first byte, then plays the next reply", async () => {
    fake.enqueue(reply.delay(120, reply.text("late")));
    const started = Date.now();
    const answer = await post(GENERATE);

    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(answer.text).toContain("late");
  });

  test("reset() forgets scripts, behaviours, recordings and counters", async () => {
    fake.enqueue(reply.text("x"));
    fake.setKeyBehavior(ALPHA, geminiErrors.internal());
    await post(GENERATE, BRAVO);
    fake.reset();

    expect(fake.pendingScripts()).toBe(0);
    expect(fake.requests).toHaveLength(0);
    expect(fake.counts()).toEqual({});
    expect((await post(GENERATE, ALPHA)).status).toBe(200);
  });
});

describe("closing", () => {
  test("close() finishes promptly with a hung request and an idle keep-alive connection open", async () => {
    const fake = await startFakeGemini();
    await callFake(fake, GENERATE, { apiKey: ALPHA, body: BODY });
    fake.enqueue(reply.hang());
    const hung = callFake(fake, GENERATE, { apiKey: ALPHA, body: BODY });
    hung.catch(() => {});
    while (fake.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));

    const started = Date.now();
    await fake.close();

    expect(Date.now() - started).toBeLessThan(1000);
    await expect(hung).rejects.toThrow();
  });

  test("close() stops a paced stream and a pending delay", async () => {
    const fake = await startFakeGemini();
    fake.enqueue(reply.text(["a", "b", "c"], { paceMs: 10_000 }));
    fake.enqueue(reply.delay(10_000, reply.text("never")));
    const streaming = callFake(fake, STREAM, { apiKey: ALPHA, body: BODY });
    const delayed = callFake(fake, GENERATE, { apiKey: ALPHA, body: BODY });
    streaming.catch(() => {});
    delayed.catch(() => {});
    while (fake.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));

    const started = Date.now();
    await fake.close();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
