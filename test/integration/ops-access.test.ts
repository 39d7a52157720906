/**
 * Access control as a stranger on the network would meet it: ACCESS_TOKEN on the API, ADMIN_TOKEN on
 * /admin and /status, and /admin kept to this machine when no ADMIN_TOKEN is set.
 */

import { networkInterfaces } from "node:os";
import type { NextFunction, Request, Response } from "express";
import { GatewayError } from "../../src/errors.js";
import { isLoopbackClient, requireAdmin } from "../../src/http/auth.js";
import { type Harness, startHarness } from "../support/gateway-harness.js";
import { type HttpRequest, request } from "../support/http.js";

const ACCESS_TOKEN = "client-token-for-tests-4711";
const ADMIN_TOKEN = "admin-token-for-tests-0815";
const CHAT = { model: "gemini-2.5-flash", messages: [{ role: "user", content: "Say hi" }] };
const NATIVE_BODY = { contents: [{ role: "user", parts: [{ text: "Say hi" }] }] };

/** Every request here carries exactly the credentials the test gives it, and none by default. */
const call = (url: string, options: Omit<HttpRequest, "token"> = {}) =>
  request(url, { ...options, token: null });

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const OPENAI_AUTH_ERROR = {
  error: {
    message: expect.stringContaining("ACCESS_TOKEN"),
    type: "authentication_error",
    code: "invalid_api_key",
    param: null,
  },
};

describe("ACCESS_TOKEN guards the API", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { ACCESS_TOKEN } });
  });
  afterAll(async () => {
    await harness.stop();
  });
  beforeEach(() => harness.fake.reset());

  test.each([
    ["no token", {}],
    ["a wrong token", bearer("not-the-token")],
    ["the token without Bearer", { authorization: ACCESS_TOKEN }],
    ["the token in x-goog-api-key (not accepted on /v1)", { "x-goog-api-key": ACCESS_TOKEN }],
  ])(
    "/v1/chat/completions with %s is 401 in OpenAI's shape and nothing goes upstream",
    async (_name, headers) => {
      const response = await call(`${harness.url}/v1/chat/completions`, { headers, body: CHAT });
      expect(response.status).toBe(401);
      expect(response.json).toEqual(OPENAI_AUTH_ERROR);
      expect(harness.fake.requests).toHaveLength(0);
    },
  );

  test("the right Bearer token opens /v1/chat/completions, /v1/models and /v1/embeddings", async () => {
    const chat = await call(`${harness.url}/v1/chat/completions`, {
      headers: bearer(ACCESS_TOKEN),
      body: CHAT,
    });
    expect(chat.status).toBe(200);
    expect(chat.json.choices[0].message.content).toBe("Echo: Say hi");
    expect((await call(`${harness.url}/v1/models`, { headers: bearer(ACCESS_TOKEN) })).status).toBe(200);
    const embeddings = await call(`${harness.url}/v1/embeddings`, {
      headers: bearer(ACCESS_TOKEN),
      body: { model: "gemini-embedding-001", input: "hello" },
    });
    expect(embeddings.status).toBe(200);
  });

  test("/v1/models and /v1/embeddings without the token are 401", async () => {
    expect((await call(`${harness.url}/v1/models`)).json).toEqual(OPENAI_AUTH_ERROR);
    const embeddings = await call(`${harness.url}/v1/embeddings`, {
      body: { model: "gemini-embedding-001", input: "hello" },
    });
    expect(embeddings.status).toBe(401);
    expect(embeddings.json).toEqual(OPENAI_AUTH_ERROR);
  });

  test("a doubled slash or upper case does not get around the token", async () => {
    for (const path of ["/v1//chat/completions", "//v1/chat/completions", "/V1/chat/completions"]) {
      const response = await call(`${harness.url}${path}`, { body: CHAT });
      expect({ path, status: response.status }).toEqual({ path, status: 401 });
    }
    expect(harness.fake.requests).toHaveLength(0);
  });

  test.each([
    ["Bearer", { headers: bearer(ACCESS_TOKEN) }, ""],
    ["x-goog-api-key", { headers: { "x-goog-api-key": ACCESS_TOKEN } }, ""],
    ["?key=", { headers: {} }, `?key=${ACCESS_TOKEN}`],
  ])(
    "native /v1beta accepts the token as %s and never sends it upstream",
    async (_name, { headers }, query) => {
      const response = await call(`${harness.url}/v1beta/models/gemini-2.5-flash:generateContent${query}`, {
        headers,
        body: NATIVE_BODY,
      });
      expect(response.status).toBe(200);
      expect(response.json.candidates[0].content.parts[0].text).toBe("Echo: Say hi");
      const upstream = harness.fake.requests.at(-1);
      expect(upstream?.query.key).toBeUndefined();
      expect(upstream?.key).not.toBe(ACCESS_TOKEN);
      expect(JSON.stringify(upstream?.headers)).not.toContain(ACCESS_TOKEN);
    },
  );

  test.each([
    ["no token", {}, ""],
    ["a wrong x-goog-api-key", { "x-goog-api-key": "wrong-token-123" }, ""],
    ["a wrong ?key=", {}, "?key=wrong-token-123"],
  ])("native /v1beta with %s is 401 in Gemini's envelope", async (_name, headers, query) => {
    const response = await call(`${harness.url}/v1beta/models/gemini-2.5-flash:generateContent${query}`, {
      headers,
      body: NATIVE_BODY,
    });
    expect(response.status).toBe(401);
    expect(response.json).toEqual({
      error: { code: 401, message: expect.stringContaining("ACCESS_TOKEN"), status: "UNAUTHENTICATED" },
    });
    expect((await call(`${harness.url}/v1beta/models${query}`, { headers })).status).toBe(401);
    expect(harness.fake.requests).toHaveLength(0);
  });

  test("Google's OpenAI surface under /v1beta/openai needs the token too, answered in OpenAI's shape", async () => {
    const refused = await call(`${harness.url}/v1beta/openai/chat/completions`, { body: CHAT });
    expect(refused.status).toBe(401);
    expect(refused.json).toEqual(OPENAI_AUTH_ERROR);
    const served = await call(`${harness.url}/v1beta/openai/chat/completions`, {
      headers: bearer(ACCESS_TOKEN),
      body: CHAT,
    });
    expect(served.status).toBe(200);
  });

  test("/health and /metrics never need a token", async () => {
    const health = await call(`${harness.url}/health`);
    expect(health.status).toBe(200);
    expect(health.json.status).toBe("healthy");
    expect((await call(`${harness.url}/metrics`)).status).toBe(200);
  });

  test("without ADMIN_TOKEN, the client token does not matter on /admin: loopback only", async () => {
    const response = await call(`${harness.url}/admin/reset-keys`, { method: "POST" });
    expect(response.status).toBe(200);
  });
});

describe("ADMIN_TOKEN guards /admin and /status", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { ACCESS_TOKEN, ADMIN_TOKEN } });
  });
  afterAll(async () => {
    await harness.stop();
  });

  test.each([
    ["POST", "/admin/reset-keys"],
    ["POST", "/admin/reload-keys"],
    ["GET", "/status"],
    ["POST", "//admin/reset-keys"],
    ["POST", "/ADMIN/reset-keys"],
    ["GET", "/status/"],
  ])("%s %s without a token, with the client token, or a wrong one is 401", async (method, path) => {
    const attempts: Array<Record<string, string>> = [
      {},
      bearer(ACCESS_TOKEN),
      bearer("wrong-admin-token"),
      { "x-goog-api-key": ADMIN_TOKEN },
    ];
    for (const headers of attempts) {
      const response = await call(`${harness.url}${path}`, { method, headers });
      expect({ headers, status: response.status }).toEqual({ headers, status: 401 });
      expect(response.json.error).toMatchObject({
        type: "authentication_error",
        code: "invalid_admin_token",
      });
    }
  });

  test("the admin token opens /admin and /status; the admin token does not open the API", async () => {
    const reset = await call(`${harness.url}/admin/reset-keys`, {
      method: "POST",
      headers: bearer(ADMIN_TOKEN),
    });
    expect(reset.status).toBe(200);
    expect(reset.json).toMatchObject({ totalKeys: 3 });
    const status = await call(`${harness.url}/status`, { headers: bearer(ADMIN_TOKEN) });
    expect(status.status).toBe(200);
    expect(status.json.keys).toHaveLength(3);
    expect((await call(`${harness.url}/v1/models`, { headers: bearer(ADMIN_TOKEN) })).status).toBe(401);
  });

  test("a key added through /admin needs the admin token", async () => {
    const refused = await call(`${harness.url}/admin/keys`, {
      headers: bearer(ACCESS_TOKEN),
      body: { key: "fake-key-echo-0005" },
    });
    expect(refused.status).toBe(401);
    const status = await call(`${harness.url}/status`, { headers: bearer(ADMIN_TOKEN) });
    expect(status.json.totalKeys).toBe(3);
  });
});

describe("without ADMIN_TOKEN, /admin answers only this machine", () => {
  let harness: Harness;
  beforeAll(async () => {
    // Listening on every interface, so a non-loopback address of this machine can reach it.
    harness = await startHarness({ env: { ACCESS_TOKEN, HOST: "0.0.0.0" } });
  });
  afterAll(async () => {
    await harness.stop();
  });

  test("a loopback client may reset keys; /status is open", async () => {
    expect((await call(`${harness.url}/admin/reset-keys`, { method: "POST" })).status).toBe(200);
    expect((await call(`${harness.url}/status`)).status).toBe(200);
  });

  test("a request relayed by a reverse proxy on this machine is not a local client", async () => {
    const relayed: Array<Record<string, string>> = [
      { "x-forwarded-for": "203.0.113.9" },
      { "x-real-ip": "203.0.113.9" },
      { forwarded: "for=203.0.113.9" },
      { "x-forwarded-for": "127.0.0.1" },
    ];
    for (const headers of relayed) {
      const response = await call(`${harness.url}/admin/reset-keys`, { method: "POST", headers });
      expect({ headers, status: response.status }).toEqual({ headers, status: 403 });
      expect(response.json.error).toMatchObject({ type: "permission_error", code: "admin_loopback_only" });
    }
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .find((address) => address && address.family === "IPv4" && !address.internal);
  if (!external) {
    console.warn(
      "ops-access: this machine has no non-loopback IPv4 address; the remote-client test is skipped",
    );
  }
  (external ? test : test.skip)(
    `a client connecting from a non-loopback address (${external?.address}) gets 403 on /admin, even with the client token`,
    async () => {
      const port = new URL(harness.url).port;
      const url = `http://${external?.address}:${port}`;
      for (const headers of [{}, bearer(ACCESS_TOKEN)]) {
        const response = await call(`${url}/admin/reset-keys`, { method: "POST", headers });
        expect(response.status).toBe(403);
        expect(response.json.error.code).toBe("admin_loopback_only");
      }
      // The same client may use the API with the token: only /admin is kept local.
      expect((await call(`${url}/v1/models`, { headers: bearer(ACCESS_TOKEN) })).status).toBe(200);
    },
  );
});

describe("the admin guard, unit by unit", () => {
  function run(
    guard: ReturnType<typeof requireAdmin>,
    remoteAddress: string,
    headers: Record<string, string> = {},
  ) {
    const request = { socket: { remoteAddress }, headers } as unknown as Request;
    let passed: unknown = "not called";
    guard(
      request,
      {} as Response,
      ((error?: unknown) => {
        passed = error;
      }) as NextFunction,
    );
    return passed;
  }

  test.each(["127.0.0.1", "127.0.0.53", "::1", "::ffff:127.0.0.1"])("%s is a local client", (address) => {
    expect(isLoopbackClient({ socket: { remoteAddress: address }, headers: {} } as unknown as Request)).toBe(
      true,
    );
    expect(
      run(requireAdmin(undefined, { loopbackWithoutToken: true, configuredHost: "127.0.0.1" }), address),
    ).toBeUndefined();
  });

  test.each(["10.0.0.5", "192.168.1.20", "172.17.0.1", "::ffff:10.0.0.5", "fe80::1", "1270.0.0.1"])(
    "%s is refused with 403",
    (address) => {
      const outcome = run(
        requireAdmin(undefined, { loopbackWithoutToken: true, configuredHost: "127.0.0.1" }),
        address,
      );
      expect(outcome).toBeInstanceOf(GatewayError);
      expect((outcome as GatewayError).status).toBe(403);
    },
  );

  test("with ADMIN_TOKEN set, being local is not enough", () => {
    const outcome = run(
      requireAdmin(ADMIN_TOKEN, { loopbackWithoutToken: true, configuredHost: "127.0.0.1" }),
      "127.0.0.1",
    );
    expect((outcome as GatewayError).status).toBe(401);
    expect(
      run(
        requireAdmin(ADMIN_TOKEN, { loopbackWithoutToken: true, configuredHost: "127.0.0.1" }),
        "10.0.0.5",
        bearer(ADMIN_TOKEN),
      ),
    ).toBeUndefined();
  });
});
