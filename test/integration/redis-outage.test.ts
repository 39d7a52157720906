/**
 * Redis is where replicas share key state and thought signatures; it must never hold a chat request
 * hostage. During an outage a request that looks up thought signatures waits a bounded time, then goes
 * on without them; Redis unreachable at start-up is one line that names REDIS_URL.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUILT_SERVER_ENTRY } from "../support/built-server.js";
import { freePort } from "../support/free-port.js";
import { type Harness, startHarness } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";
import { describeWithRedis, type RunningRedis, startRedis } from "../support/redis-server.js";
import { run } from "../support/run-command.js";

/** A conversation whose earlier tool call this gateway never saw: its signature is looked up in Redis. */
const CHAT_WITH_HISTORY = {
  model: "gemini-2.5-flash",
  messages: [
    { role: "user", content: "What is the weather in Paris?" },
    {
      role: "assistant",
      content: null,
      tool_calls: [
        {
          id: "call_from_another_replica",
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"Paris"}' },
        },
      ],
    },
    { role: "tool", tool_call_id: "call_from_another_replica", content: '{"celsius":21}' },
  ],
  tools: [
    {
      type: "function",
      function: {
        name: "get_weather",
        parameters: { type: "object", properties: { city: { type: "string" } } },
      },
    },
  ],
};

describeWithRedis("during a Redis outage", () => {
  let redis: RunningRedis;
  let harness: Harness;
  beforeAll(async () => {
    redis = await startRedis();
    harness = await startHarness({ env: { REDIS_URL: redis.url } });
  });
  let stopped = false;
  afterAll(async () => {
    if (!stopped) await harness?.stop();
    await redis?.stop();
  });

  test("a chat request that looks up thought signatures is answered at once, without them", async () => {
    expect((await postJson(`${harness.url}/v1/chat/completions`, CHAT_WITH_HISTORY)).status).toBe(200);
    await redis.stop();
    const answers: number[] = [];
    for (let request = 0; request < 3; request++) {
      const started = Date.now();
      const response = await postJson(`${harness.url}/v1/chat/completions`, CHAT_WITH_HISTORY);
      expect(response.status).toBe(200);
      answers.push(Date.now() - started);
    }
    // The wait for Redis is bounded at a few hundred milliseconds; a stall lasted seconds.
    expect(Math.max(...answers)).toBeLessThan(1_500);
  });

  test("stopping the gateway while Redis is still away does not wait for it to come back", async () => {
    await postJson(`${harness.url}/v1/chat/completions`, CHAT_WITH_HISTORY);
    const started = Date.now();
    await harness.stop();
    stopped = true;
    // The last writes wait 2 s at most each; waiting out ioredis's retries took minutes.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

// Needs no redis-server: nothing listens on the port it names.
test("Redis unreachable at start-up: one line that names REDIS_URL, exit code 1", async () => {
  const folder = await mkdtemp(join(tmpdir(), "gemini-rotator-redis-"));
  try {
    await writeFile(join(folder, "keys.txt"), "fake-key-alpha-0001\n");
    const port = await freePort();
    const { code, stdout, stderr } = await run(process.execPath, [BUILT_SERVER_ENTRY], {
      cwd: folder,
      env: {
        PATH: process.env.PATH ?? "",
        HOST: "127.0.0.1",
        PORT: String(await freePort()),
        KEYS_FILE: join(folder, "keys.txt"),
        REDIS_URL: `redis://:fake-redis-password@127.0.0.1:${port}`,
      },
    });
    const output = `${stdout}${stderr}`;
    expect(code).toBe(1);
    const lines = output.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/REDIS_URL/);
    expect(lines[0]).toContain(`127.0.0.1:${port}`);
    expect(lines[0]).not.toMatch(/Connection is closed/);
    expect(output).not.toContain("fake-redis-password");
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}, 30_000);
