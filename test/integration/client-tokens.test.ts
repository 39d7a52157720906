/**
 * Named client tokens on the built server (issue 15): every protocol (OpenAI Chat and Responses,
 * Anthropic Messages, native Gemini) refuses a token over its limits with 429 and Retry-After in its
 * own envelope, a model outside its patterns with 403, an expired, disabled or revoked token with 401,
 * all before any key is spent; only hashes are stored; usage adds up per token under concurrency in the
 * admin API, the request log, the metrics and the logs.
 */

import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { nextPacificMidnight } from "../../src/keys/pacific-time.js";
import { type E2eEnvironment, generateRequests, startEnvironment } from "../support/e2e-environment.js";
import { type HttpAnswer, request } from "../support/http.js";
import { eventually } from "../support/poll.js";

const ADMIN = { token: null } as const;
const chatBody = (model = "gemini-2.5-flash") => ({ model, messages: [{ role: "user", content: "Say hi" }] });
const messagesBody = (model = "gemini-2.5-flash") => ({
  model,
  max_tokens: 64,
  messages: [{ role: "user", content: "Say hi" }],
});
const responsesBody = (model = "gemini-2.5-flash") => ({ model, input: "Say hi" });
const nativeBody = { contents: [{ role: "user", parts: [{ text: "Say hi" }] }] };

interface Protocol {
  name: string;
  send(url: string, secret: string, model?: string): Promise<HttpAnswer>;
  /** The error message and type in the protocol's own envelope, or a failure naming what is wrong. */
  envelope(answer: HttpAnswer): { message: string; type: string };
}

/** OpenAI's error envelope, which both its Chat Completions and its Responses routes answer in. */
function openAIEnvelope(answer: HttpAnswer): { message: string; type: string } {
  expect(answer.json).toEqual({
    error: {
      message: expect.any(String),
      type: expect.any(String),
      code: expect.anything(),
      param: answer.status === 403 ? "model" : null,
    },
  });
  return answer.json.error;
}

const PROTOCOLS: Protocol[] = [
  {
    name: "OpenAI chat",
    send: (url, secret, model) =>
      request(`${url}/v1/chat/completions`, { body: chatBody(model), token: secret }),
    envelope: openAIEnvelope,
  },
  {
    name: "OpenAI responses",
    send: (url, secret, model) =>
      request(`${url}/v1/responses`, { body: responsesBody(model), token: secret }),
    envelope: openAIEnvelope,
  },
  {
    name: "Anthropic messages",
    send: (url, secret, model) =>
      request(`${url}/v1/messages`, {
        body: messagesBody(model),
        token: null,
        headers: { "x-api-key": secret, "anthropic-version": "2023-06-01" },
      }),
    envelope: (answer) => {
      expect(answer.json).toEqual({
        type: "error",
        error: { type: expect.any(String), message: expect.any(String) },
      });
      return answer.json.error;
    },
  },
  {
    name: "native Gemini",
    send: (url, secret, model = "gemini-2.5-flash") =>
      request(`${url}/v1beta/models/${model}:generateContent`, {
        body: nativeBody,
        token: null,
        headers: { "x-goog-api-key": secret },
      }),
    envelope: (answer) => {
      expect(answer.json).toEqual({
        error: { code: answer.status, message: expect.any(String), status: expect.any(String) },
      });
      return { message: answer.json.error.message, type: answer.json.error.status };
    },
  },
];

const RATE_TYPES: Record<string, string> = {
  "OpenAI chat": "rate_limit_error",
  "OpenAI responses": "rate_limit_error",
  "Anthropic messages": "rate_limit_error",
  "native Gemini": "RESOURCE_EXHAUSTED",
};
const FORBIDDEN_TYPES: Record<string, string> = {
  "OpenAI chat": "permission_error",
  "OpenAI responses": "permission_error",
  "Anthropic messages": "permission_error",
  "native Gemini": "PERMISSION_DENIED",
};
const UNAUTHENTICATED_TYPES: Record<string, string> = {
  "OpenAI chat": "authentication_error",
  "OpenAI responses": "authentication_error",
  "Anthropic messages": "authentication_error",
  "native Gemini": "UNAUTHENTICATED",
};

async function createToken(url: string, body: Record<string, unknown>): Promise<string> {
  const answer = await request(`${url}/admin/tokens`, { ...ADMIN, body });
  expect(answer.status).toBe(201);
  return answer.json.secret as string;
}

describe("client tokens on the built server", () => {
  let environment: E2eEnvironment;

  beforeAll(async () => {
    environment = await startEnvironment({
      env: { MODEL_ALIASES: "claude-*=gemini-2.5-flash", LOG_LEVEL: "info" },
    });
  });
  afterAll(async () => {
    await environment?.stop();
  });

  test("a new token's secret is shown once and only its SHA-256 is stored", async () => {
    const created = await request(`${environment.url}/admin/tokens`, {
      ...ADMIN,
      body: { name: "stored", limits: { requestsPerMinute: 5 } },
    });
    expect(created.status).toBe(201);
    const secret = created.json.secret as string;
    expect(secret).toMatch(/^grt_[A-Za-z0-9_-]{43}$/);
    expect(created.json.token).toMatchObject({
      name: "stored",
      state: "active",
      limits: { requestsPerMinute: 5 },
    });

    const listed = await request(`${environment.url}/admin/tokens`, ADMIN);
    expect(listed.text).not.toContain(secret);
    expect(listed.text).not.toContain("sha256");
    expect(listed.json.tokens.map((token: { name: string }) => token.name)).toContain("stored");

    const database = new DatabaseSync(join(environment.server.folder, "data", "state.db"), {
      readOnly: true,
    });
    try {
      const rows = database.prepare("SELECT name, record FROM client_tokens").all();
      const stored = rows.find((row) => row.name === "stored");
      expect(String(stored?.record)).toMatch(/"secretHash":"sha256:[0-9a-f]{64}"/);
      for (const row of rows) expect(String(row.record)).not.toContain(secret.slice(4));
    } finally {
      database.close();
    }
    // The same name twice is a conflict, not a second token.
    expect(
      (await request(`${environment.url}/admin/tokens`, { ...ADMIN, body: { name: "stored" } })).status,
    ).toBe(409);
  });

  describe.each(PROTOCOLS)("$name", (protocol) => {
    const tag = protocol.name.replace(/\W+/g, "-").toLowerCase();

    test("over its requests per minute: 429 with Retry-After in the protocol's envelope, no key spent", async () => {
      const secret = await createToken(environment.url, {
        name: `rpm-${tag}`,
        limits: { requestsPerMinute: 2 },
      });
      for (let index = 0; index < 2; index++) {
        expect((await protocol.send(environment.url, secret)).status).toBe(200);
      }
      const sentUpstream = generateRequests(environment.fake).length;
      const refused = await protocol.send(environment.url, secret);
      expect(refused.status).toBe(429);
      const seconds = Number(refused.headers.get("retry-after"));
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(60);
      expect(Number(refused.headers.get("retry-after-ms"))).toBeGreaterThan(0);
      const { message, type } = protocol.envelope(refused);
      expect(type).toBe(RATE_TYPES[protocol.name]);
      expect(message).toContain(`rpm-${tag}`);
      expect(message).toContain("2 requests per minute");
      expect(generateRequests(environment.fake)).toHaveLength(sentUpstream);
    });

    test("over its requests per day: 429 until midnight Pacific, told not to retry", async () => {
      const secret = await createToken(environment.url, {
        name: `rpd-${tag}`,
        limits: { requestsPerDay: 1 },
      });
      expect((await protocol.send(environment.url, secret)).status).toBe(200);
      const before = Date.now();
      const refused = await protocol.send(environment.url, secret);
      expect(refused.status).toBe(429);
      expect(refused.headers.get("x-should-retry")).toBe("false");
      const untilMidnight = (nextPacificMidnight(before) - before) / 1000;
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(untilMidnight - 30);
      expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(Math.ceil(untilMidnight) + 1);
      expect(protocol.envelope(refused).message).toContain("1 requests per day");
    });

    test("over its tokens per day once an answer's usage is counted: the next request is refused", async () => {
      const name = `tpd-${tag}`;
      const secret = await createToken(environment.url, { name, limits: { tokensPerDay: 3 } });
      // Admitted under the limit; the answer's usage takes the day over it.
      expect((await protocol.send(environment.url, secret)).status).toBe(200);
      await eventually(async () => {
        const token = (await request(`${environment.url}/admin/tokens/${name}`, ADMIN)).json;
        expect(token.today.totalTokens).toBeGreaterThan(3);
      });
      const refused = await protocol.send(environment.url, secret);
      expect(refused.status).toBe(429);
      expect(protocol.envelope(refused).message).toContain("3 tokens per day");
    });

    test("a model outside its patterns: 403 before any key is spent; an allowed one passes", async () => {
      const secret = await createToken(environment.url, {
        name: `models-${tag}`,
        models: ["gemini-2.5-flash*"],
      });
      const sentUpstream = generateRequests(environment.fake).length;
      const refused = await protocol.send(environment.url, secret, "gemini-2.5-pro");
      expect(refused.status).toBe(403);
      const { message, type } = protocol.envelope(refused);
      expect(type).toBe(FORBIDDEN_TYPES[protocol.name]);
      expect(message).toContain("gemini-2.5-pro");
      expect(generateRequests(environment.fake)).toHaveLength(sentUpstream);
      expect((await protocol.send(environment.url, secret, "gemini-2.5-flash-lite")).status).toBe(200);
    });

    test("expired, disabled, revoked and unknown tokens: 401 in the protocol's envelope", async () => {
      const expired = await createToken(environment.url, {
        name: `expired-${tag}`,
        expiresAt: "2020-01-01T00:00:00Z",
      });
      const disabled = await createToken(environment.url, { name: `disabled-${tag}`, enabled: false });
      const revoked = await createToken(environment.url, { name: `revoked-${tag}` });
      expect((await protocol.send(environment.url, revoked)).status).toBe(200);
      const revocation = await request(`${environment.url}/admin/tokens/revoked-${tag}/revoke`, {
        ...ADMIN,
        method: "POST",
      });
      expect(revocation.json.state).toBe("revoked");
      for (const [secret, word] of [
        [expired, "has expired"],
        [disabled, "is disabled"],
        [revoked, "was revoked"],
        [`grt_${"x".repeat(43)}`, "Incorrect API key"],
      ] as const) {
        const answer = await protocol.send(environment.url, secret);
        expect(answer.status).toBe(401);
        const { message, type } = protocol.envelope(answer);
        expect(type).toBe(UNAUTHENTICATED_TYPES[protocol.name]);
        expect(message).toContain(word);
      }
      // ACCESS_TOKEN stays the master token: no limits, every model.
      expect((await protocol.send(environment.url, "test", "gemini-2.5-pro")).status).toBe(200);
    });
  });

  test("a raised limit takes effect at once and keeps the day's count", async () => {
    const secret = await createToken(environment.url, { name: "raised", limits: { requestsPerDay: 1 } });
    const send = () => request(`${environment.url}/v1/chat/completions`, { body: chatBody(), token: secret });
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(429);
    const patched = await request(`${environment.url}/admin/tokens/raised`, {
      ...ADMIN,
      method: "PATCH",
      body: { limits: { requestsPerDay: 2 } },
    });
    expect(patched.json.limits).toEqual({ requestsPerMinute: null, requestsPerDay: 2, tokensPerDay: null });
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(429);
  });

  test("an alias target is what the patterns check: claude-* served by an allowed Gemini model passes", async () => {
    const secret = await createToken(environment.url, { name: "aliased", models: ["gemini-2.5-flash"] });
    const anthropic = PROTOCOLS.find((protocol) => protocol.name === "Anthropic messages");
    const answer = await anthropic?.send(environment.url, secret, "claude-haiku-4-5");
    expect(answer?.status).toBe(200);
  });

  test("usage adds up per token under concurrency: admin API, request log, metrics and logs", async () => {
    const alice = await createToken(environment.url, { name: "alice" });
    const bob = await createToken(environment.url, { name: "bob" });
    const send = (secret: string, index: number) =>
      index % 2 === 0
        ? request(`${environment.url}/v1/chat/completions`, { body: chatBody(), token: secret })
        : request(`${environment.url}/v1/messages`, {
            body: messagesBody(),
            token: null,
            headers: { "x-api-key": secret, "anthropic-version": "2023-06-01" },
          });
    const answers = await Promise.all([
      ...Array.from({ length: 12 }, (_, index) => send(alice, index)),
      ...Array.from({ length: 6 }, (_, index) => send(bob, index)),
    ]);
    for (const answer of answers) expect(answer.status).toBe(200);
    const tokensOf = (answer: HttpAnswer) =>
      answer.json.usage.total_tokens ?? answer.json.usage.input_tokens + answer.json.usage.output_tokens;
    const expectedAlice = answers.slice(0, 12).reduce((sum, answer) => sum + tokensOf(answer), 0);
    const expectedBob = answers.slice(12).reduce((sum, answer) => sum + tokensOf(answer), 0);

    await eventually(async () => {
      const usage = await request(`${environment.url}/admin/tokens/usage`, ADMIN);
      const totals = Object.fromEntries(
        usage.json.totals.map((total: { token: string }) => [total.token, total]),
      );
      expect(totals.alice).toMatchObject({ requests: 12, refused: 0, totalTokens: expectedAlice });
      expect(totals.bob).toMatchObject({ requests: 6, refused: 0, totalTokens: expectedBob });
      const rows = usage.json.rows.filter((row: { token: string }) => row.token === "alice");
      expect(rows).toEqual([expect.objectContaining({ model: "gemini-2.5-flash", requests: 12 })]);
    });
    const log = await request(`${environment.url}/admin/requests?token=alice&limit=100`, ADMIN);
    expect(log.json.rows).toHaveLength(12);
    for (const row of log.json.rows) expect(row.clientToken).toBe("alice");

    const metrics = (await request(`${environment.url}/metrics`)).text;
    expect(metrics).toContain('gateway_client_requests_total{token="alice",outcome="ok"} 12');
    expect(metrics).toContain('gateway_client_requests_total{token="bob",outcome="ok"} 6');
    expect(metrics).toMatch(/gateway_client_tokens_total\{token="alice",type="prompt"\} \d+/);
    const logs = environment.server.logs.join("\n");
    expect(logs).toContain('"tokenName":"alice"');
    for (const secret of [alice, bob]) {
      expect(logs).not.toContain(secret);
      expect(metrics).not.toContain(secret);
    }
  });
});
