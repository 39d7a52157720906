/**
 * No key (nor the gateway's own tokens) in any response, metric or log line, even when the upstream's
 * errors echo the key, as Google's "Consumer 'api_key:…' has been suspended" does.
 */
import { Writable } from "node:stream";
import { createLogger, neverLog } from "../../src/observability/logger.js";
import { geminiErrors } from "../fake-gemini/errors.js";
import { reply } from "../fake-gemini/replies.js";
import { type Harness, startHarness, TEST_KEYS } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";
import { postSse } from "../support/sse.js";

const [ALPHA, BRAVO, CHARLIE] = TEST_KEYS;
const ACCESS_TOKEN = "client-token-for-secrets-5150";
const ADMIN_TOKEN = "admin-token-for-secrets-6160";
const SECRETS = [...TEST_KEYS, ACCESS_TOKEN, ADMIN_TOKEN];
const CHAT = { model: "gemini-2.5-flash", messages: [{ role: "user", content: "Say hi" }] };
const NATIVE = { contents: [{ role: "user", parts: [{ text: "Say hi" }] }] };
const suspended = (key: string) => geminiErrors.consumerSuspended({ consumer: `api_key:${key}` });

function leaks(text: string): string[] {
  return SECRETS.filter((secret) => text.includes(secret));
}

describe("upstream errors that echo the key", () => {
  let harness: Harness;
  /** Everything a client received: status lines, headers and bodies. */
  const seen: string[] = [];
  const auth = { authorization: `Bearer ${ACCESS_TOKEN}` };
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

  async function record<T extends { status: number; headers: Headers; text: string }>(
    response: T,
  ): Promise<T> {
    seen.push(`${response.status} ${JSON.stringify([...response.headers])}\n${response.text}`);
    return response;
  }

  beforeAll(async () => {
    harness = await startHarness({ env: { ACCESS_TOKEN, ADMIN_TOKEN } });
  });
  afterAll(async () => {
    await harness.stop();
  });

  test("a client error whose message holds the key reaches the client without it", async () => {
    harness.fake.enqueue(
      geminiErrors.invalidArgument(`Request with key ${ALPHA} contains an invalid argument.`),
    );
    const response = await record(await postJson(`${harness.url}/v1/chat/completions`, CHAT, auth));
    expect(response.status).toBe(400);
    expect(response.text).toContain("contains an invalid argument");
    expect(leaks(response.text)).toEqual([]);
  });

  test("the same on the native route, which relays Google's own envelope", async () => {
    harness.fake.enqueue(geminiErrors.invalidArgument(`Request with key ${BRAVO} is bad.`));
    const response = await record(
      await postJson(
        `${harness.url}/v1beta/models/gemini-2.5-flash:generateContent?key=${ACCESS_TOKEN}`,
        NATIVE,
        {
          authorization: "",
        },
      ),
    );
    expect(response.status).toBe(400);
    expect(response.json.error.message).toContain("is bad");
    expect(leaks(response.text)).toEqual([]);
  });

  test("a stream cut by an error that echoes the key ends with an error event without it", async () => {
    harness.fake.enqueue(
      reply.midStreamError({
        afterChunks: 1,
        error: suspended(CHARLIE),
        from: reply.text(["Hel", "lo", " there"]),
      }),
    );
    const response = await postSse(`${harness.url}/v1/chat/completions`, { ...CHAT, stream: true }, auth);
    await record({ status: response.status, headers: response.headers, text: response.text });
    expect(response.status).toBe(200);
    expect(response.text).toContain("error");
    expect(leaks(response.text)).toEqual([]);
  });

  test("when every key is suspended, the client hears 503 and nothing of the keys", async () => {
    await fetch(`${harness.url}/admin/reset-keys`, { method: "POST", headers: admin });
    harness.fake.reset();
    for (const key of TEST_KEYS) harness.fake.setKeyBehavior(key, suspended(key));
    const chat = await record(await postJson(`${harness.url}/v1/chat/completions`, CHAT, auth));
    expect(chat.status).toBe(503);
    const native = await record(
      await postJson(`${harness.url}/v1beta/models/gemini-2.5-flash:generateContent`, NATIVE, {
        "x-goog-api-key": ACCESS_TOKEN,
        authorization: "",
      }),
    );
    expect(native.status).toBeGreaterThanOrEqual(400);
    // The upstream really did echo every key.
    expect(harness.fake.requests.filter((request) => request.status === 403)).toHaveLength(3);
  });

  test("Google's OpenAI surface: an echoed key stays out of the answer", async () => {
    await fetch(`${harness.url}/admin/reset-keys`, { method: "POST", headers: admin });
    harness.fake.reset();
    harness.fake.enqueue(geminiErrors.invalidArgument(`Bad request for ${ALPHA}`));
    const response = await record(
      await postJson(`${harness.url}/v1beta/openai/chat/completions`, CHAT, auth),
    );
    expect(response.status).toBe(400);
    expect(leaks(response.text)).toEqual([]);
  });

  test("nothing leaked into any response, /status, /metrics or any log line", async () => {
    for (const key of TEST_KEYS) harness.fake.setKeyBehavior(key, suspended(key));
    await postJson(`${harness.url}/v1/chat/completions`, CHAT, auth);
    const status = await fetch(`${harness.url}/status`, { headers: admin });
    seen.push(await status.text());
    const metrics = await fetch(`${harness.url}/metrics`);
    seen.push(await metrics.text());
    expect(seen.length).toBeGreaterThanOrEqual(8);
    expect(leaks(seen.join("\n"))).toEqual([]);

    const logs = harness.logs.join("\n");
    // The log shows what happened, by key id and with the redacted message.
    expect(logs).toContain("has been suspended");
    expect(logs).toContain("[redacted");
    expect(logs).toMatch(/"keyId":"key-[0-9a-f]{10}"/);
    expect(leaks(logs)).toEqual([]);
  });
});

describe("the logger's last line of defence", () => {
  function capture() {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        callback();
      },
    });
    return { lines, logger: createLogger({ level: "debug", destination }) };
  }

  test("a key in a message, an error's message and its stack is redacted", () => {
    const { lines, logger } = capture();
    neverLog(logger, () => [ALPHA, undefined]);
    const error = new Error(`upstream refused ${ALPHA}`);
    logger.error({ err: error }, `request failed for ${ALPHA}`);
    logger.child({ scope: "child" }).warn(`child logger saw ${ALPHA}`);
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain(ALPHA);
    const entry = JSON.parse(lines[0] as string);
    expect(entry.msg).toBe("request failed for [redacted]");
    expect(entry.err.message).toBe("upstream refused [redacted]");
    expect(entry.err.stack).toContain("upstream refused [redacted]");
  });

  test("a key added later is redacted from then on", () => {
    const { lines, logger } = capture();
    const keys: string[] = [];
    neverLog(logger, () => keys);
    keys.push("fake-key-added-later-0042");
    logger.info({ detail: "saw fake-key-added-later-0042" }, "later");
    expect(lines[0]).not.toContain("fake-key-added-later-0042");
  });

  test("odd-shaped keys of a large pool, and keys that replace them at runtime, are redacted", () => {
    const { lines, logger } = capture();
    const oddKeys = (prefix: string) =>
      Object.freeze(
        Array.from({ length: 3_000 }, (_, index) => `${prefix}-${String(index).padStart(5, "0")}`),
      );
    // As KeyPool.secrets() does: a frozen list, replaced whole when the key set changes.
    let keys = oddKeys("relay-fake-key");
    neverLog(logger, () => keys);
    neverLog(logger, () => Object.freeze(["fake-admin-token-for-logs-7070"]));
    logger.info(`first ${keys[2_999]} and ${keys[0]}; admin fake-admin-token-for-logs-7070`);
    keys = oddKeys("other-fake-key");
    logger.info({ detail: `then other-fake-key-01234 in "quotes"` }, "later");
    expect(lines[0]).not.toMatch(/relay-fake-key|fake-admin-token/);
    expect(JSON.parse(lines[0] as string).msg).toBe("first [redacted] and [redacted]; admin [redacted]");
    expect(JSON.parse(lines[1] as string).detail).toBe('then [redacted] in "quotes"');
  });

  test("credentials in a URL (a proxy's) are redacted without being told", () => {
    const { lines, logger } = capture();
    logger.warn({ error: "connect failed via socks5://fakeuser:fake-pass-31@proxy.example:1080" }, "proxy");
    expect(lines[0]).not.toContain("fake-pass-31");
    expect(lines[0]).not.toContain("fakeuser");
    expect(JSON.parse(lines[0] as string).error).toBe(
      "connect failed via socks5://[redacted]@proxy.example:1080",
    );
  });

  test("?key= values, Bearer tokens, key-shaped strings and secret headers are redacted without being told", () => {
    const { lines, logger } = capture();
    const keyShaped = `AIza${"FakeFakeFake0000"}Fake`;
    logger.info(
      {
        url: "/v1beta/models/x:generateContent?alt=sse&key=some-client-token-77",
        note: `authorization was Bearer some-bearer-token-88 and ${keyShaped}`,
        headers: { authorization: "Bearer abc", "x-goog-api-key": "some-header-key-99", cookie: "session=1" },
      },
      "probe",
    );
    const line = lines[0] as string;
    for (const secret of [
      "some-client-token-77",
      "some-bearer-token-88",
      keyShaped,
      "some-header-key-99",
      "session=1",
    ]) {
      expect(line).not.toContain(secret);
    }
    expect(JSON.parse(line).url).toBe("/v1beta/models/x:generateContent?alt=sse&key=[redacted]");
  });
});
