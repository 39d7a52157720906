import { createServer, type Server } from "node:net";
import { Server as ProxyServer } from "proxy-chain";
import { nextPacificMidnight } from "../../src/keys/pacific-time.js";
import { geminiErrors } from "../fake-gemini/errors.js";
import { type Harness, startHarness, TEST_KEYS } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";

const [ALPHA, BRAVO] = TEST_KEYS;
const chat = (model: string) => ({ model, messages: [{ role: "user", content: "Say hi" }] });

/** A clock the test moves by hand, starting at a fixed winter moment. */
function manualClock(start = Date.parse("2026-01-13T18:15:20Z")) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

async function keyStatus(harness: Harness) {
  const body = (await (await fetch(`${harness.url}/status`)).json()) as {
    keys: Array<{
      id: string;
      key: string;
      state: string;
      stateReason: string;
      isAvailable: boolean;
      failureCount: number;
      lastError: string | null;
      cooldowns: Array<{ model: string; until: string; reason: string }>;
      requests: number;
    }>;
    totalKeys: number;
  };
  return body;
}

describe("cooldowns that follow what Google says", () => {
  let harness: Harness;
  let clock: ReturnType<typeof manualClock>;
  afterEach(async () => {
    await harness.stop();
  });

  test("a key rests exactly as long as retryDelay, then serves again", async () => {
    clock = manualClock();
    harness = await startHarness({ keys: [ALPHA], now: clock.now });
    harness.fake.enqueue(geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: "38s" }));
    const limited = await postJson(`${harness.url}/v1/chat/completions`, chat("gemini-2.5-flash"));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(38);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(39);
    const retryAfterMs = Number(limited.headers.get("retry-after-ms"));
    expect(retryAfterMs).toBeGreaterThanOrEqual(38_000);
    expect(retryAfterMs).toBeLessThan(38_250);
    expect(limited.headers.get("x-should-retry")).toBeNull();

    clock.advance(37_000);
    const stillResting = await postJson(`${harness.url}/v1/chat/completions`, chat("gemini-2.5-flash"));
    expect(stillResting.status).toBe(429);
    expect(Number(stillResting.headers.get("retry-after"))).toBeLessThanOrEqual(2);
    expect(harness.fake.requests).toHaveLength(1);

    clock.advance(1_250);
    const served = await postJson(`${harness.url}/v1/chat/completions`, chat("gemini-2.5-flash"));
    expect(served.status).toBe(200);
    expect(harness.fake.requests).toHaveLength(2);
  });

  test("a key whose daily quota is spent is skipped for that model only, until midnight Pacific", async () => {
    clock = manualClock();
    harness = await startHarness({ keys: [ALPHA, BRAVO], now: clock.now });
    harness.fake.setKeyBehavior(ALPHA, geminiErrors.quotaPerDay({ model: "gemini-2.5-pro" }));
    expect((await postJson(`${harness.url}/v1/chat/completions`, chat("gemini-2.5-pro"))).status).toBe(200);
    harness.fake.setKeyBehavior(ALPHA, null);
    for (let index = 0; index < 4; index++) {
      expect((await postJson(`${harness.url}/v1/chat/completions`, chat("gemini-2.5-pro"))).status).toBe(200);
      expect((await postJson(`${harness.url}/v1/chat/completions`, chat("gemini-2.5-flash"))).status).toBe(
        200,
      );
    }
    expect(harness.fake.counts({ model: "gemini-2.5-pro", action: "generateContent" })).toEqual({
      [ALPHA]: 1,
      [BRAVO]: 5,
    });
    expect(harness.fake.counts({ model: "gemini-2.5-flash", action: "generateContent" })).toEqual({
      [ALPHA]: 2,
      [BRAVO]: 2,
    });

    const alpha = (await keyStatus(harness)).keys[0];
    expect(alpha).toMatchObject({ state: "cooling", isAvailable: true, failureCount: 0 });
    expect(alpha?.cooldowns).toEqual([
      {
        model: "gemini-2.5-pro",
        until: new Date(nextPacificMidnight(clock.now())).toISOString(),
        reason: "daily quota spent (GenerateRequestsPerDayPerProjectPerModel-FreeTier)",
      },
    ]);
    expect(alpha?.stateReason).toMatch(
      /^resting for gemini-2.5-pro until 2026-01-14T08:00:00.000Z: daily quota spent/,
    );

    clock.advance(nextPacificMidnight(clock.now()) - clock.now());
    expect((await keyStatus(harness)).keys[0]?.state).toBe("active");
  });

  test("when every key is spent for the day: 429 at once, Retry-After until the reset, x-should-retry: false", async () => {
    clock = manualClock();
    harness = await startHarness({ keys: [ALPHA, BRAVO], now: clock.now });
    for (const key of [ALPHA, BRAVO])
      harness.fake.setKeyBehavior(key, geminiErrors.quotaPerDay({ model: "gemini-2.5-pro" }));
    const first = await postJson(`${harness.url}/v1/chat/completions`, chat("gemini-2.5-pro"));
    expect(first.status).toBe(429);
    expect(first.headers.get("x-should-retry")).toBe("false");
    const untilReset = Math.ceil((nextPacificMidnight(clock.now()) - clock.now()) / 1000);
    expect(Number(first.headers.get("retry-after"))).toBe(untilReset);
    expect(first.json.error).toMatchObject({ type: "rate_limit_error", code: "rate_limit_exceeded" });
    expect(first.json.error.message).toMatch(/daily quota/);
    const calls = harness.fake.requests.length;
    expect((await postJson(`${harness.url}/v1/chat/completions`, chat("gemini-2.5-pro"))).status).toBe(429);
    expect(harness.fake.requests.length).toBe(calls);
  });

  test("a model not offered to a key (limit: 0) rests that pair for a day", async () => {
    clock = manualClock();
    harness = await startHarness({ keys: [ALPHA, BRAVO], now: clock.now });
    harness.fake.enqueue(
      geminiErrors.quotaExceeded({ model: "gemini-2.5-pro", violations: [{ kind: "rpm", limit: 0 }] }),
      { key: ALPHA },
    );
    expect((await postJson(`${harness.url}/v1/chat/completions`, chat("gemini-2.5-pro"))).status).toBe(200);
    const alpha = (await keyStatus(harness)).keys[0];
    expect(alpha?.cooldowns[0]).toMatchObject({
      model: "gemini-2.5-pro",
      until: new Date(clock.now() + 24 * 3_600_000).toISOString(),
    });
  });

  test("an overloaded model moves to another key without charging either", async () => {
    clock = manualClock();
    harness = await startHarness({ keys: [ALPHA, BRAVO], now: clock.now });
    harness.fake.enqueue(geminiErrors.unavailable());
    expect((await postJson(`${harness.url}/v1/chat/completions`, chat("gemini-2.5-flash"))).status).toBe(200);
    expect((await keyStatus(harness)).keys.map((key) => key.failureCount)).toEqual([0, 0]);
  });

  test("attempts per request are bounded by MAX_ATTEMPTS", async () => {
    clock = manualClock();
    harness = await startHarness({ keys: [...TEST_KEYS], now: clock.now, env: { MAX_ATTEMPTS: "2" } });
    for (const key of TEST_KEYS) harness.fake.setKeyBehavior(key, geminiErrors.internal());
    const response = await postJson(`${harness.url}/v1/chat/completions`, chat("gemini-2.5-flash"));
    expect(response.status).toBe(502);
    expect(harness.fake.requests).toHaveLength(2);
  });
});

describe("state that lasts across restarts", () => {
  test("cooldowns, disabled keys, counters and runtime keys survive a restart", async () => {
    const clock = manualClock();
    const first = await startHarness({
      keys: [ALPHA, BRAVO],
      validKeys: [ALPHA, BRAVO, "fake-key-echo-0005"],
      now: clock.now,
    });
    let second: Harness | undefined;
    try {
      first.fake.enqueue(geminiErrors.invalidKey(), { key: ALPHA });
      expect((await postJson(`${first.url}/v1/chat/completions`, chat("gemini-2.5-flash"))).status).toBe(200);
      first.fake.enqueue(geminiErrors.quotaPerDay({ model: "gemini-2.5-pro" }), { key: BRAVO });
      expect((await postJson(`${first.url}/v1/chat/completions`, chat("gemini-2.5-pro"))).status).toBe(429);
      expect((await postJson(`${first.url}/admin/keys`, { key: "fake-key-echo-0005" })).status).toBe(201);
      const before = await keyStatus(first);
      await first.stop({ keepFake: true, keepFolder: true });

      second = await startHarness({
        keys: [ALPHA, BRAVO],
        existingFake: first.fake,
        folder: first.folder,
        now: clock.now,
      });
      const after = await keyStatus(second);
      expect(after.totalKeys).toBe(3);
      expect(after.keys.map((key) => [key.id, key.state, key.cooldowns, key.requests])).toEqual(
        before.keys.map((key) => [key.id, key.state, key.cooldowns, key.requests]),
      );
      expect(after.keys[0]).toMatchObject({ state: "disabled", lastError: "key not valid" });
      expect(after.keys[1]?.cooldowns[0]?.model).toBe("gemini-2.5-pro");
    } finally {
      await second?.stop();
      await first.stop();
    }
  });

  test("a corrupt state file is set aside with a warning; start-up does not fail", async () => {
    const { mkdtemp, mkdir, writeFile, readdir } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const folder = await mkdtemp(join(tmpdir(), "gemini-rotator-corrupt-"));
    await writeFile(join(folder, "keys.txt"), `${ALPHA}\n`);
    await mkdir(join(folder, "data"));
    await writeFile(join(folder, "data", "state.json"), "{ this is not json");
    const harness = await startHarness({ keys: [ALPHA], folder });
    try {
      expect((await postJson(`${harness.url}/v1/chat/completions`, chat("gemini-2.5-flash"))).status).toBe(
        200,
      );
      expect(harness.logs.some((line) => /state file is corrupt/.test(line))).toBe(true);
      expect(
        (await readdir(join(folder, "data"))).some((name) => name.startsWith("state.json.corrupt-")),
      ).toBe(true);
    } finally {
      await harness.stop();
    }
  });
});

describe("runtime key management", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness({ keys: [ALPHA, BRAVO], validKeys: [ALPHA, BRAVO, "fake-key-echo-0005"] });
  });
  afterEach(async () => {
    await harness.stop();
  });

  test("POST /admin/keys adds a key that serves at once and is shown masked", async () => {
    const added = await postJson(`${harness.url}/admin/keys`, { key: "fake-key-echo-0005" });
    expect(added.status).toBe(201);
    expect(added.json).toEqual({ id: expect.stringMatching(/^key-/), key: "…05", added: true, totalKeys: 3 });
    expect(added.text).not.toContain("fake-key-echo-0005");
    for (let index = 0; index < 3; index++)
      await postJson(`${harness.url}/v1/chat/completions`, chat("gemini-2.5-flash"));
    expect(harness.fake.counts({ action: "generateContent" })["fake-key-echo-0005"]).toBe(1);
  });

  test("POST /admin/keys refuses a body without a key", async () => {
    const response = await postJson(`${harness.url}/admin/keys`, { key: "" });
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ type: "invalid_request_error", param: "key" });
  });

  test("DELETE /admin/keys/{id} removes a key, which stays removed after reload-keys", async () => {
    const { keys } = await keyStatus(harness);
    const bravoId = keys[1]?.id ?? "";
    const removed = await fetch(`${harness.url}/admin/keys/${bravoId}`, { method: "DELETE" });
    expect(removed.status).toBe(200);
    expect((await postJson(`${harness.url}/admin/reload-keys`, {})).json).toMatchObject({ totalKeys: 1 });
    for (let index = 0; index < 2; index++)
      await postJson(`${harness.url}/v1/chat/completions`, chat("gemini-2.5-flash"));
    expect(harness.fake.counts({ action: "generateContent" })).toEqual({ [ALPHA]: 2 });
    expect((await fetch(`${harness.url}/admin/keys/key-unknown`, { method: "DELETE" })).status).toBe(404);
    // Adding it again brings it back.
    expect((await postJson(`${harness.url}/admin/keys`, { key: BRAVO })).status).toBe(201);
    expect((await keyStatus(harness)).totalKeys).toBe(2);
  });

  test("disable and enable one key", async () => {
    const alphaId = (await keyStatus(harness)).keys[0]?.id ?? "";
    expect((await postJson(`${harness.url}/admin/keys/${alphaId}/disable`, {})).status).toBe(200);
    for (let index = 0; index < 2; index++)
      await postJson(`${harness.url}/v1/chat/completions`, chat("gemini-2.5-flash"));
    expect(harness.fake.counts({ action: "generateContent" })).toEqual({ [BRAVO]: 2 });
    expect((await keyStatus(harness)).keys[0]?.stateReason).toMatch(/disabled by an administrator/);
    expect((await postJson(`${harness.url}/admin/keys/${alphaId}/enable`, {})).status).toBe(200);
    expect((await keyStatus(harness)).keys[0]?.state).toBe("active");
  });

  test("reload-keys keeps the state of kept keys", async () => {
    harness.fake.enqueue(geminiErrors.invalidKey(), { key: ALPHA });
    await postJson(`${harness.url}/v1/chat/completions`, chat("gemini-2.5-flash"));
    await harness.writeKeys([ALPHA, BRAVO, "fake-key-echo-0005"]);
    expect((await postJson(`${harness.url}/admin/reload-keys`, {})).json).toEqual({
      totalKeys: 3,
      added: 1,
      removed: 0,
    });
    expect((await keyStatus(harness)).keys.map((key) => key.state)).toEqual(["disabled", "active", "active"]);
  });
});

describe("the keys file is watched", () => {
  test("an edit is picked up without any call", async () => {
    const harness = await startHarness({
      keys: [ALPHA],
      validKeys: [ALPHA, BRAVO],
      env: { WATCH_KEYS_FILE: "true" },
    });
    try {
      // The harness polls every 2 s by default; wait for the change to be seen.
      await new Promise((resolve) => setTimeout(resolve, 50));
      await harness.writeKeys([ALPHA, BRAVO]);
      const deadline = Date.now() + 8_000;
      while ((await keyStatus(harness)).totalKeys !== 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await keyStatus(harness)).totalKeys).toBe(2);
      expect(harness.logs.some((line) => /keys file changed: keys reloaded/.test(line))).toBe(true);
    } finally {
      await harness.stop();
    }
  });
});

describe("per-key outbound proxy", () => {
  let proxy: ProxyServer;
  let proxiedRequests = 0;
  beforeAll(async () => {
    proxy = new ProxyServer({
      port: 0,
      host: "127.0.0.1",
      prepareRequestFunction: () => {
        proxiedRequests += 1;
        return {};
      },
    });
    await proxy.listen();
  });
  afterAll(async () => {
    await proxy.close(true);
  });

  test("a key line naming a proxy sends that key's calls through a real local HTTP proxy", async () => {
    const harness = await startHarness({ keys: [`${ALPHA} proxy=http://127.0.0.1:${proxy.port}`, BRAVO] });
    try {
      proxiedRequests = 0;
      for (let index = 0; index < 4; index++) {
        expect((await postJson(`${harness.url}/v1/chat/completions`, chat("gemini-2.5-flash"))).status).toBe(
          200,
        );
      }
      expect(harness.fake.counts({ action: "generateContent" })).toEqual({ [ALPHA]: 2, [BRAVO]: 2 });
      expect(proxiedRequests).toBeGreaterThanOrEqual(1);
    } finally {
      await harness.stop();
    }
  });

  test("a proxy that fails is not charged to its key", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server: Server = createServer();
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const harness = await startHarness({ keys: [`${ALPHA} proxy=http://127.0.0.1:${closedPort}`, BRAVO] });
    try {
      for (let index = 0; index < 4; index++) {
        expect((await postJson(`${harness.url}/v1/chat/completions`, chat("gemini-2.5-flash"))).status).toBe(
          200,
        );
      }
      const alpha = (await keyStatus(harness)).keys[0];
      expect(alpha).toMatchObject({ state: "active", failureCount: 0 });
      expect(alpha?.lastError).toMatch(/proxy/i);
      expect(harness.fake.counts({ action: "generateContent" })).toEqual({ [BRAVO]: 4 });
    } finally {
      await harness.stop();
    }
  });
});
