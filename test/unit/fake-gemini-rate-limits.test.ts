/**
 * Optional free-tier limits: RPM windows restart at second :00, RPD days at midnight Pacific (reference §9).
 */
import { type FakeGemini, reply, startFakeGemini } from "../fake-gemini/index.js";
import { callFake } from "../fake-gemini/test-client.js";

const ALPHA = "fake-key-alpha-0001";
const BRAVO = "fake-key-bravo-0002";
const BODY = { contents: [{ role: "user", parts: [{ text: "hi" }] }] };

interface QuotaError {
  error: {
    details: Array<{ violations?: Array<{ quotaId: string; quotaValue: string }>; retryDelay?: string }>;
  };
}

describe("rate limits", () => {
  let fake: FakeGemini;
  // 2026-03-10 07:59:50 UTC is 00:59:50 PDT; Pacific midnight is at 2026-03-11 07:00 UTC.
  let nowMs = Date.UTC(2026, 2, 10, 7, 59, 50);
  const generate = (key: string, model = "gemini-2.5-flash") =>
    callFake(fake, `/v1beta/models/${model}:generateContent`, { apiKey: key, body: BODY });
  const quotaOf = (json: unknown) => {
    const details = (json as QuotaError).error.details;
    return {
      quotaId: details.find((detail) => detail.violations)?.violations?.[0]?.quotaId,
      retryDelay: details.find((detail) => detail.retryDelay)?.retryDelay,
    };
  };

  beforeAll(async () => {
    fake = await startFakeGemini({
      keys: [ALPHA, BRAVO],
      rateLimits: { "gemini-2.5-flash": { rpm: 2, rpd: 3 } },
      now: () => nowMs,
    });
  });
  afterAll(() => fake.close());

  test("RPM per key and model, with a retry delay to the next minute", async () => {
    expect((await generate(ALPHA)).status).toBe(200);
    expect((await generate(ALPHA)).status).toBe(200);
    const limited = await generate(ALPHA);

    expect(limited.status).toBe(429);
    expect(quotaOf(limited.json)).toEqual({
      quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
      retryDelay: "10s",
    });
    expect((await generate(BRAVO)).status).toBe(200);
    expect((await generate(ALPHA, "gemini-2.0-flash")).status).toBe(200);
  });

  test("scripted replies bypass the limits", async () => {
    fake.enqueue(reply.text("scripted"));
    expect((await generate(ALPHA)).status).toBe(200);
  });

  test("a new minute restarts RPM; RPD holds until midnight America/Los_Angeles", async () => {
    nowMs += 15_000;
    expect((await generate(ALPHA)).status).toBe(200);
    const daily = await generate(ALPHA);
    expect(daily.status).toBe(429);
    expect(quotaOf(daily.json).quotaId).toBe("GenerateRequestsPerDayPerProjectPerModel-FreeTier");

    nowMs = Date.UTC(2026, 2, 11, 6, 59, 30);
    expect((await generate(ALPHA)).status).toBe(429);
    nowMs = Date.UTC(2026, 2, 11, 7, 0, 5);
    expect((await generate(ALPHA)).status).toBe(200);
  });
});
