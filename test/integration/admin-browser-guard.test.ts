/**
 * Without ADMIN_TOKEN, /admin and /status are this machine's; a browser on this machine must not lend
 * them to a web page: a cross-site form post, or a page whose DNS name was rebound to 127.0.0.1.
 */
import { request as httpRequest } from "node:http";
import { type Harness, startHarness } from "../support/gateway-harness.js";

interface RawAnswer {
  status: number;
  json: any;
}

/** node:http, because fetch will not let a test choose the Host header a browser would send. */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      { method: options.method ?? "GET", headers: options.headers },
      (answer) => {
        let text = "";
        answer.setEncoding("utf8");
        answer.on("data", (piece: string) => {
          text += piece;
        });
        answer.on("end", () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: answer.statusCode ?? 0, json });
        });
      },
    );
    outgoing.on("error", reject);
    outgoing.end(options.body);
  });
}

async function disableAlpha(harness: Harness): Promise<string> {
  const status = await send(`${harness.url}/status`);
  const id = status.json.keys[0].id as string;
  expect((await send(`${harness.url}/admin/keys/${id}/disable`, { method: "POST" })).status).toBe(200);
  return id;
}

describe("without ADMIN_TOKEN", () => {
  let harness: Harness;
  let port: string;
  beforeAll(async () => {
    harness = await startHarness();
    port = new URL(harness.url).port;
  });
  afterAll(async () => {
    await harness.stop();
  });

  test("a cross-site text/plain POST /admin/reset-keys from a web page is refused, and changes nothing", async () => {
    const id = await disableAlpha(harness);
    const attack = await send(`${harness.url}/admin/reset-keys`, {
      method: "POST",
      headers: {
        "content-type": "text/plain",
        origin: "https://evil.example",
        "sec-fetch-site": "cross-site",
        "sec-fetch-mode": "no-cors",
      },
      body: "x",
    });
    expect(attack.status).toBe(403);
    expect(attack.json.error).toMatchObject({ type: "permission_error", code: "admin_cross_site" });
    const status = await send(`${harness.url}/status`);
    expect(status.json.keys.find((key: { id: string }) => key.id === id).state).toBe("disabled");
  });

  test.each([
    ["an older browser: Origin only", { origin: "https://evil.example" }],
    ["a modern browser: Fetch Metadata only", { "sec-fetch-site": "cross-site" }],
    ["another port of this machine (same site)", { "sec-fetch-site": "same-site" }],
    ["a sandboxed page", { origin: "null" }],
  ])("%s is refused on /admin", async (_name, headers) => {
    const answer = await send(`${harness.url}/admin/reset-keys`, { method: "POST", headers });
    expect(answer.status).toBe(403);
    expect(answer.json.error.code).toBe("admin_cross_site");
  });

  test.each([
    ["GET", "/status"],
    ["POST", "/admin/reset-keys"],
    ["DELETE", "/admin/keys/key-0000000000"],
  ])("DNS rebinding: %s %s with a foreign Host is refused", async (method, path) => {
    const answer = await send(`${harness.url}${path}`, {
      method,
      headers: { host: `rebind.attacker.example:${port}` },
    });
    expect(answer.status).toBe(403);
    expect(answer.json.error).toMatchObject({ type: "permission_error", code: "admin_foreign_host" });
  });

  test("the rebound page cannot read /status even as its own origin", async () => {
    const answer = await send(`${harness.url}/status`, {
      headers: {
        host: `rebind.attacker.example:${port}`,
        origin: `http://rebind.attacker.example:${port}`,
        "sec-fetch-site": "same-origin",
      },
    });
    expect(answer.status).toBe(403);
    expect(answer.json.keys).toBeUndefined();
  });

  test.each([
    ["curl (no browser headers)", {}],
    ["localhost as the Host", { host: "localhost:PORT" }],
    ["IPv6 loopback as the Host", { host: "[::1]:PORT" }],
    [
      "the gateway's own page (same origin)",
      { origin: "http://127.0.0.1:PORT", "sec-fetch-site": "same-origin" },
    ],
    ["a typed-in address (Sec-Fetch-Site: none)", { "sec-fetch-site": "none" }],
  ])("%s is served", async (_name, headers) => {
    const withPort = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name, value.replace("PORT", port)]),
    );
    expect((await send(`${harness.url}/status`, { headers: withPort })).status).toBe(200);
    expect(
      (await send(`${harness.url}/admin/reset-keys`, { method: "POST", headers: withPort })).status,
    ).toBe(200);
  });
});

describe("with ADMIN_TOKEN", () => {
  const ADMIN_TOKEN = "fake-admin-token-for-tests";
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { ADMIN_TOKEN } });
  });
  afterAll(async () => {
    await harness.stop();
  });

  test("the token decides, whatever the Host (a page cannot send the token)", async () => {
    const answer = await send(`${harness.url}/status`, {
      headers: { host: "gateway.example.lan", authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(answer.status).toBe(200);
  });
});
