/**
 * The hardening a client can see on the wire: security headers, request ids, the body limit and CORS.
 */
import { type Harness, startHarness } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";
import { postSse } from "../support/sse.js";

const CHAT = { model: "gemini-2.5-flash", messages: [{ role: "user", content: "Say hi" }] };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A chat request whose JSON body is about `bytes` long. */
function chatOfSize(bytes: number) {
  return JSON.stringify({ ...CHAT, messages: [{ role: "user", content: "x".repeat(bytes) }] });
}

/** A chat request with one PNG image whose base64 data URL is about `bytes` long, as agents send screenshots. */
function chatWithImageOfSize(bytes: number) {
  const png = Buffer.alloc(Math.floor((bytes * 3) / 4));
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png);
  const url = `data:image/png;base64,${png.toString("base64")}`;
  return JSON.stringify({
    ...CHAT,
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "What is on this screenshot?" },
          { type: "image_url", image_url: { url } },
        ],
      },
    ],
  });
}

describe("security headers and request ids", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.stop();
  });

  const requests: Array<[string, () => Promise<Response>]> = [
    ["GET /health", () => fetch(`${harness.url}/health`)],
    ["GET /metrics", () => fetch(`${harness.url}/metrics`)],
    ["GET /status", () => fetch(`${harness.url}/status`)],
    ["an unknown route (404)", () => fetch(`${harness.url}/nowhere`)],
    [
      "a bad request (400)",
      () =>
        fetch(`${harness.url}/v1/chat/completions`, {
          method: "POST",
          body: "{",
          headers: { "content-type": "application/json" },
        }),
    ],
    [
      "a chat completion",
      () =>
        fetch(`${harness.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(CHAT),
        }),
    ],
    [
      "a streamed chat completion",
      () =>
        fetch(`${harness.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ ...CHAT, stream: true }),
        }),
    ],
    [
      "a native call",
      () =>
        fetch(`${harness.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
        }),
    ],
  ];

  test.each(requests)("%s: helmet's headers, no x-powered-by, a fresh x-request-id", async (_name, send) => {
    const response = await send();
    await response.arrayBuffer();
    expect(response.headers.get("x-powered-by")).toBeNull();
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(response.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("x-dns-prefetch-control")).toBe("off");
    expect(response.headers.get("x-permitted-cross-domain-policies")).toBe("none");
    expect(response.headers.get("x-request-id")).toMatch(UUID);
  });

  test("a sane x-request-id from the client comes back and is in the request's log line", async () => {
    const response = await fetch(`${harness.url}/health`, { headers: { "x-request-id": "trace-abc.123:7" } });
    expect(response.headers.get("x-request-id")).toBe("trace-abc.123:7");
    const chat = await postJson(`${harness.url}/v1/chat/completions`, CHAT, {
      "x-request-id": "client-chat-42",
    });
    expect(chat.headers.get("x-request-id")).toBe("client-chat-42");
    const line = harness.logs
      .map((text) => JSON.parse(text))
      .find((entry) => entry.requestId === "client-chat-42");
    expect(line).toMatchObject({ msg: "request", route: "/v1/chat/completions", status: 200 });
  });

  test.each([
    ["too long", "a".repeat(129)],
    ["with spaces and quotes", 'a "b" c'],
    ["with a slash", "../../etc/passwd"],
  ])("an x-request-id %s is replaced by a fresh one", async (_name, offered) => {
    const response = await fetch(`${harness.url}/health`, { headers: { "x-request-id": offered } });
    expect(response.headers.get("x-request-id")).toMatch(UUID);
  });
});

describe("the body limit", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.stop();
  });

  test("the default, 25 MB, takes a request with a 24 MB image, which reaches the upstream whole", async () => {
    expect(harness.config.bodyLimit).toBe("25mb");
    harness.fake.reset();
    const response = await postJson(
      `${harness.url}/v1/chat/completions`,
      chatWithImageOfSize(24 * 1024 * 1024),
    );
    expect(response.status).toBe(200);
    const sent = harness.fake.requests[0]?.body as any;
    const image = sent.contents[0].parts.find((part: any) => part.inlineData);
    expect(image.inlineData.data.length).toBeGreaterThan(24 * 1024 * 1024 - 16);
  });

  test("a 26 MB request is 413 in OpenAI's shape, and never goes upstream", async () => {
    harness.fake.reset();
    const response = await postJson(`${harness.url}/v1/chat/completions`, chatOfSize(26 * 1024 * 1024));
    expect(response.status).toBe(413);
    expect(response.json).toEqual({
      error: {
        message: expect.stringContaining("BODY_LIMIT"),
        type: "invalid_request_error",
        code: "request_too_large",
        param: null,
      },
    });
    expect(response.headers.get("x-request-id")).toMatch(UUID);
    expect(harness.fake.requests).toHaveLength(0);
  });

  test("a native request over the limit is 413 in Gemini's envelope", async () => {
    const body = JSON.stringify({
      contents: [{ role: "user", parts: [{ text: "x".repeat(26 * 1024 * 1024) }] }],
    });
    const response = await postJson(`${harness.url}/v1beta/models/gemini-2.5-flash:generateContent`, body);
    expect(response.status).toBe(413);
    expect(response.json).toEqual({
      error: { code: 413, message: expect.stringContaining("BODY_LIMIT"), status: "INVALID_ARGUMENT" },
    });
  });
});

describe("BODY_LIMIT is a setting", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { BODY_LIMIT: "2kb" } });
  });
  afterAll(async () => {
    await harness.stop();
  });

  test("with BODY_LIMIT=2kb, 1 KB passes and 3 KB is 413", async () => {
    expect((await postJson(`${harness.url}/v1/chat/completions`, chatOfSize(1000))).status).toBe(200);
    expect((await postJson(`${harness.url}/v1/chat/completions`, chatOfSize(3000))).status).toBe(413);
  });
});

describe("CORS", () => {
  test("by default any origin may call the API; preflights need no token and 401s stay readable", async () => {
    const harness = await startHarness({ env: { ACCESS_TOKEN: "client-token-for-tests-4711" } });
    try {
      for (const path of ["/v1/chat/completions", "/v1beta/models/gemini-2.5-flash:generateContent"]) {
        const preflight = await fetch(`${harness.url}${path}`, {
          method: "OPTIONS",
          headers: {
            origin: "https://app.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
          },
        });
        expect(preflight.status).toBe(204);
        expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
        expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");
        expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
      }
      const refused = await postJson(`${harness.url}/v1/chat/completions`, CHAT, {
        origin: "https://app.example",
        authorization: "Bearer wrong",
      });
      expect(refused.status).toBe(401);
      expect(refused.headers.get("access-control-allow-origin")).toBe("*");
      expect(refused.headers.get("access-control-expose-headers")).toContain("x-request-id");
      // Admin routes are not for browsers.
      const admin = await fetch(`${harness.url}/admin/reset-keys`, {
        method: "OPTIONS",
        headers: { origin: "https://app.example" },
      });
      expect(admin.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await harness.stop();
    }
  });

  test("CORS_ORIGIN with a list allows only those origins", async () => {
    const harness = await startHarness({ env: { CORS_ORIGIN: "https://one.example, https://two.example" } });
    try {
      const allowed = await postSse(
        `${harness.url}/v1/chat/completions`,
        { ...CHAT, stream: true },
        {
          origin: "https://two.example",
        },
      );
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get("access-control-allow-origin")).toBe("https://two.example");
      expect(allowed.headers.get("vary")).toMatch(/origin/i);
      const other = await postJson(`${harness.url}/v1/chat/completions`, CHAT, {
        origin: "https://evil.example",
      });
      expect(other.status).toBe(200);
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await harness.stop();
    }
  });

  test("CORS_ORIGIN=off sends no CORS headers", async () => {
    const harness = await startHarness({ env: { CORS_ORIGIN: "off" } });
    try {
      const response = await postJson(`${harness.url}/v1/chat/completions`, CHAT, {
        origin: "https://app.example",
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await harness.stop();
    }
  });
});
