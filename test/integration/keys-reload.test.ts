/**
 * The keys file is edited while the gateway runs: a save that would leave no key, or that holds a line
 * that is not a key, is refused and logged while the pool keeps its keys; keys that come back keep
 * their state; junk never becomes a key.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/observability/logger.js";
import { start } from "../../src/server.js";
import { geminiErrors } from "../fake-gemini/index.js";
import { type Harness, startHarness, TEST_KEYS } from "../support/gateway-harness.js";
import { postJson } from "../support/http.js";
import { waitFor } from "../support/poll.js";

const [ALPHA, BRAVO, CHARLIE] = TEST_KEYS;
const CHAT = { model: "gemini-2.5-pro", messages: [{ role: "user", content: "hi" }] };

async function status(harness: Harness) {
  return (await (await fetch(`${harness.url}/status`)).json()) as {
    totalKeys: number;
    keys: Array<{ key: string; state: string; cooldowns: Array<{ model: string; reason: string }> }>;
  };
}

const reload = (harness: Harness) => postJson(`${harness.url}/admin/reload-keys`, {});

describe("reloading the keys file", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness.stop();
  });

  test.each([
    ["empty", [] as string[]],
    ["comments only", ["# my keys", "", "# (moved elsewhere)"]],
  ])(
    "a file saved %s is refused: the pool keeps its keys and answers, and the refusal is logged",
    async (_name, lines) => {
      await harness.writeKeys(lines);
      const refused = await reload(harness);
      expect(refused.status).toBe(400);
      expect(refused.json.error).toMatchObject({ code: "keys_file_error", type: "invalid_request_error" });
      expect(refused.json.error.message).toMatch(/hold no key; keeping the 3 key\(s\) in use/);
      expect((await status(harness)).totalKeys).toBe(3);
      expect((await postJson(`${harness.url}/v1/chat/completions`, CHAT)).status).toBe(200);
      const logged = harness.logs
        .map((line) => JSON.parse(line))
        .find((line) => /keys not reloaded/.test(line.msg));
      expect(logged).toMatchObject({ level: "warn", error: expect.stringMatching(/hold no key/) });
    },
  );

  test.each([
    ["a cut Google key", `AIza${"Q".repeat(20)}`, /starts like a Google API key but is not one/],
    ["a quoted key", `"${ALPHA}"`, /in quotes/],
    ["NAME=value", `GEMINI_API_KEY=${ALPHA}`, /NAME=value/],
    ["a word", "keys:", /does not look like an API key/],
    ["a URL", "https://aistudio.google.com/apikey", /does not look like an API key/],
  ])("a file with %s is refused whole, naming the line, never the key", async (_name, junk, problem) => {
    await harness.writeKeys([ALPHA, junk, BRAVO]);
    const refused = await reload(harness);
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toMatch(/line 2: not used as a key/);
    expect(refused.json.error.message).toMatch(problem);
    expect(refused.text).not.toContain(ALPHA);
    expect((await status(harness)).totalKeys).toBe(3);
  });

  test("allow-any-shape takes a key that does not look like one", async () => {
    await harness.writeKeys([ALPHA, "short-key allow-any-shape"]);
    const reloaded = await reload(harness);
    expect(reloaded.status).toBe(200);
    expect(reloaded.json).toEqual({ totalKeys: 2, added: 1, removed: 2 });
  });

  test("a Google-shaped key is taken as it is", async () => {
    await harness.writeKeys([ALPHA, `AIza${"Q".repeat(35)}`]);
    expect((await reload(harness)).json).toEqual({ totalKeys: 2, added: 1, removed: 2 });
  });

  test("a key removed by a bad save and put back keeps its state: a spent daily quota stays spent", async () => {
    harness.fake.setKeyBehavior(ALPHA, geminiErrors.quotaPerDay({ model: "gemini-2.5-pro" }));
    expect((await postJson(`${harness.url}/v1/chat/completions`, CHAT)).status).toBe(200);
    harness.fake.setKeyBehavior(ALPHA, null);
    const spent = (await status(harness)).keys.find((key) => key.state === "cooling");
    expect(spent?.cooldowns).toEqual([expect.objectContaining({ model: "gemini-2.5-pro" })]);

    await harness.writeKeys([BRAVO, CHARLIE]);
    expect((await reload(harness)).json).toEqual({ totalKeys: 2, added: 0, removed: 1 });
    await harness.writeKeys([ALPHA, BRAVO, CHARLIE]);
    expect((await reload(harness)).json).toEqual({ totalKeys: 3, added: 1, removed: 0 });

    const back = (await status(harness)).keys.find((key) => key.key === spent?.key);
    expect(back).toMatchObject({ state: "cooling", cooldowns: spent?.cooldowns });
    harness.fake.reset();
    for (let request = 0; request < 4; request++)
      expect((await postJson(`${harness.url}/v1/chat/completions`, CHAT)).status).toBe(200);
    expect(harness.fake.counts()[ALPHA]).toBeUndefined();
  });
});

test("a watched keys file saved empty while running keeps the keys, and says so in the log", async () => {
  const harness = await startHarness({ env: { WATCH_KEYS_FILE: "true" } });
  try {
    await writeFile(harness.keysFile, "# emptied by mistake\n");
    await waitFor(
      () =>
        harness.logs.some((line) => /could not be loaded; keeping the current keys/.test(line))
          ? true
          : undefined,
      { what: "the watcher to refuse the save" },
    );
    expect((await status(harness)).totalKeys).toBe(3);
    expect((await postJson(`${harness.url}/v1/chat/completions`, CHAT)).status).toBe(200);
  } finally {
    await harness.stop();
  }
});

describe("start-up", () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "gemini-rotator-keys-"));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  /** Starts a gateway on the given keys file lines; resolves to the error that stopped it. */
  async function startUpError(lines: readonly string[]): Promise<Error> {
    const keysFile = join(folder, "keys.txt");
    await writeFile(keysFile, `${lines.join("\n")}\n`);
    const config = {
      ...loadConfig({
        KEYS_FILE: keysFile,
        STATE_FILE: join(folder, "state.json"),
        WATCH_KEYS_FILE: "false",
      }),
      port: 0,
      host: "127.0.0.1",
    };
    try {
      const running = await start(config, {
        logger: createLogger({ level: "error" }),
        defaultMetrics: false,
      });
      await running.stop();
    } catch (error) {
      return error as Error;
    }
    throw new Error("the gateway started");
  }

  test("still refuses a keys file without a key", async () => {
    expect((await startUpError(["# nothing yet"])).message).toMatch(/No Gemini API key found/);
  });

  test("refuses a junk line, naming it", async () => {
    expect((await startUpError([ALPHA, "paste-here"])).message).toMatch(
      /line 2: not used as a key: it does not look like an API key/,
    );
  });
});

describe("POST /admin/keys", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.stop();
  });

  test.each([
    ["two words", "a b"],
    ["junk", "not-a-key"],
    ["a comment", "# fake-key-echo-0005"],
  ])("%s is a 400 in OpenAI's envelope", async (_name, key) => {
    const response = await postJson(`${harness.url}/admin/keys`, { key });
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ type: "invalid_request_error", param: "key" });
    expect((await status(harness)).totalKeys).toBe(3);
  });

  test("a key of another service's shape is added", async () => {
    expect((await postJson(`${harness.url}/admin/keys`, { key: "fake-key-echo-0005" })).status).toBe(201);
  });
});
