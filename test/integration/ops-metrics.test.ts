/**
 * `/metrics` after real traffic through the gateway: every family of the contract, fed by the request
 * path, labelled by route pattern and model, and holding no key, prompt or client token.
 */
import { geminiErrors } from "../fake-gemini/errors.js";
import { reply } from "../fake-gemini/replies.js";
import { type Harness, startHarness, TEST_KEYS } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";
import { postSse } from "../support/sse.js";

const [ALPHA, BRAVO] = TEST_KEYS;
const ACCESS_TOKEN = "client-token-for-metrics-9931";
const PROMPT = "Describe a purple elephant dancing";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Reads Prometheus' text exposition into samples. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = line.match(/^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[label[1] as string] = label[2] as string;
    }
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

function value(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted),
  )?.value;
}

describe("/metrics after real traffic", () => {
  let harness: Harness;
  let text: string;
  let samples: Sample[];
  const auth = { authorization: `Bearer ${ACCESS_TOKEN}` };

  beforeAll(async () => {
    harness = await startHarness({ env: { ACCESS_TOKEN } });
    const { fake, url } = harness;
    // Key alpha is rate limited for gemini-2.5-flash, key bravo is invalid: the first request fails over twice.
    fake.setKeyBehavior(
      ALPHA,
      geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: "30s" }),
    );
    fake.setKeyBehavior(BRAVO, geminiErrors.invalidKey());
    const chat = { model: "gemini-2.5-flash", messages: [{ role: "user", content: PROMPT }] };
    expect((await postJson(`${url}/v1/chat/completions`, chat, auth)).status).toBe(200);
    expect((await postSse(`${url}/v1/chat/completions`, { ...chat, stream: true }, auth)).status).toBe(200);
    fake.enqueue(
      reply.text("Pink, mostly.", {
        usage: {
          promptTokenCount: 11,
          candidatesTokenCount: 5,
          thoughtsTokenCount: 7,
          cachedContentTokenCount: 3,
        },
      }),
      { model: "gemini-2.5-pro" },
    );
    const scripted = await postJson(`${url}/v1/chat/completions`, { ...chat, model: "gemini-2.5-pro" }, auth);
    expect(scripted.status).toBe(200);
    // Models named by the client: unknown, a pool key, a prompt. None may become a label.
    for (const model of ["gemini-0-unknown", ALPHA, "Tell me a secret story"]) {
      expect(
        (await postJson(`${url}/v1/chat/completions`, { ...chat, model }, auth)).status,
      ).toBeGreaterThanOrEqual(400);
    }
    expect((await fetch(`${url}/v1/models/gemini-2.5-pro`, { headers: auth })).status).toBe(200);
    const native = await postJson(
      `${url}/v1beta/models/gemini-2.5-flash:generateContent?key=${ACCESS_TOKEN}`,
      { contents: [{ role: "user", parts: [{ text: PROMPT }] }] },
      { authorization: "" },
    );
    expect(native.status).toBe(200);
    expect(
      (await postJson(`${url}/v1/chat/completions`, chat, { authorization: `Bearer ${PROMPT}` })).status,
    ).toBe(401);
    expect((await fetch(`${url}/no/such/${ALPHA}`)).status).toBe(404);

    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    text = await response.text();
    samples = parseExposition(text);
  });
  afterAll(async () => {
    await harness.stop();
  });

  test("HTTP requests are counted by method, route pattern and status", () => {
    const requests = (labels: Record<string, string>) =>
      value(samples, "gateway_http_requests_total", labels);
    expect(requests({ method: "POST", route: "/v1/chat/completions", status: "200" })).toBe(3);
    expect(requests({ method: "GET", route: "/v1/models/:id", status: "200" })).toBe(1);
    expect(requests({ method: "POST", route: "/v1beta/models/:modelAction", status: "200" })).toBe(1);
    expect(requests({ method: "POST", route: "/v1/*", status: "401" })).toBe(1);
    expect(requests({ method: "GET", route: "unmatched", status: "404" })).toBe(1);
  });

  test("route labels are patterns, never raw paths", () => {
    const routes = new Set(
      samples
        .filter((sample) => sample.name.startsWith("gateway_http_"))
        .map((sample) => sample.labels.route),
    );
    expect([...routes].sort()).toEqual(
      ["/v1/*", "/v1/chat/completions", "/v1/models/:id", "/v1beta/models/:modelAction", "unmatched"].sort(),
    );
  });

  test("request duration is a histogram by route", () => {
    expect(
      value(samples, "gateway_http_request_duration_seconds_count", { route: "/v1/chat/completions" }),
    ).toBe(6);
    expect(
      value(samples, "gateway_http_request_duration_seconds_bucket", {
        route: "/v1/chat/completions",
        le: "+Inf",
      }),
    ).toBe(6);
  });

  test("upstream attempts are counted by model and outcome", () => {
    const upstream = (labels: Record<string, string>) =>
      value(samples, "gateway_upstream_requests_total", labels);
    expect(upstream({ model: "gemini-2.5-flash", outcome: "rate_limited" })).toBe(1);
    expect(upstream({ model: "gemini-2.5-flash", outcome: "invalid_key" })).toBe(1);
    expect(upstream({ model: "gemini-2.5-flash", outcome: "ok" })).toBe(3);
    expect(upstream({ model: "gemini-2.5-pro", outcome: "ok" })).toBe(1);
    expect(upstream({ model: "gemini-0-unknown", outcome: "client_error" })).toBe(1);
    expect(upstream({ model: "none", outcome: "ok" })).toBe(1);
  });

  test("a model name that is a key or a prompt is labelled other", () => {
    expect(
      value(samples, "gateway_upstream_requests_total", { model: "other", outcome: "client_error" }),
    ).toBe(2);
  });

  test("time to first upstream byte is a histogram by model", () => {
    expect(value(samples, "gateway_upstream_first_byte_seconds_count", { model: "gemini-2.5-flash" })).toBe(
      3,
    );
    expect(value(samples, "gateway_upstream_first_byte_seconds_count", { model: "gemini-2.5-pro" })).toBe(1);
  });

  test("failovers are counted by the reason the key failed", () => {
    // Every request tried key alpha (rate limited, per model) or bravo (invalid) first, then moved on.
    for (const reason of ["rate_limited", "invalid_key"]) {
      const failed = samples
        .filter(
          (sample) => sample.name === "gateway_upstream_requests_total" && sample.labels.outcome === reason,
        )
        .reduce((sum, sample) => sum + sample.value, 0);
      expect(failed).toBeGreaterThanOrEqual(1);
      expect(value(samples, "gateway_key_failovers_total", { reason })).toBe(failed);
    }
  });

  test("keys are counted by state", () => {
    expect(value(samples, "gateway_keys", { state: "active" })).toBe(1);
    expect(value(samples, "gateway_keys", { state: "cooling" })).toBe(1);
    expect(value(samples, "gateway_keys", { state: "disabled" })).toBe(1);
  });

  test("tokens are counted by model and type", () => {
    const tokens = (type: string) =>
      value(samples, "gateway_tokens_total", { model: "gemini-2.5-pro", type });
    expect(tokens("prompt")).toBe(11);
    expect(tokens("completion")).toBe(12);
    expect(tokens("reasoning")).toBe(7);
    expect(tokens("cached")).toBe(3);
    expect(
      value(samples, "gateway_tokens_total", { model: "gemini-2.5-flash", type: "prompt" }),
    ).toBeGreaterThan(0);
  });

  test("no key, prompt or client token appears anywhere in the exposition", () => {
    for (const secret of [...TEST_KEYS, ACCESS_TOKEN, PROMPT, "purple", "Tell me a secret"]) {
      expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    }
  });

  test("the key state gauge follows the pool at scrape time", async () => {
    const reset = await fetch(`${harness.url}/admin/reset-keys`, { method: "POST" });
    expect(reset.status).toBe(200);
    const after = parseExposition(await (await fetch(`${harness.url}/metrics`)).text());
    expect(value(after, "gateway_keys", { state: "active" })).toBe(3);
    expect(value(after, "gateway_keys", { state: "disabled" })).toBe(0);
  });
});
