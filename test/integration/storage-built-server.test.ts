/**
 * The embedded database under the built server (`node dist/server.js`): an existing state.json is
 * imported on first start with nothing lost, history survives a restart, a kill -9 loses at most what
 * was not flushed yet (history and each key's counters alike), and `npm run keys:check` drives a
 * running gateway.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { keyIdOf } from "../../src/keys/key-identity.js";
import { startFakeGemini } from "../fake-gemini/index.js";
import type { FakeGemini } from "../fake-gemini/types.js";
import { type BuiltServer, startBuiltServer } from "../support/built-server.js";
import { postJson, request } from "../support/http.js";
import { waitFor } from "../support/poll.js";
import { run } from "../support/run-command.js";

const ALPHA = "fake-key-alpha-0001";
const BRAVO = "fake-key-bravo-0002";
const ADDED = "fake-key-added-0009";
const chat = { model: "gemini-2.5-flash", messages: [{ role: "user", content: "Say hi" }] };

let fake: FakeGemini;
let folder: string;
const servers: BuiltServer[] = [];

beforeEach(async () => {
  fake = await startFakeGemini({ keys: [ALPHA, BRAVO, ADDED] });
  folder = await mkdtemp(join(tmpdir(), "gemini-rotator-storage-"));
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop(2_000);
  await fake.close();
  await rm(folder, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<BuiltServer> {
  const server = await startBuiltServer({ geminiBaseUrl: fake.url, keys: [ALPHA, BRAVO], folder, env });
  servers.push(server);
  return server;
}

/** Requests the database holds, read straight from the file as another process would. */
function requestsInDatabase(): number {
  const database = new DatabaseSync(join(folder, "data", "state.db"), { readOnly: true });
  try {
    const row = database.prepare("SELECT COALESCE(SUM(requests), 0) AS requests FROM usage_hourly").get();
    return Number(row?.requests ?? 0);
  } finally {
    database.close();
  }
}

test("a state.json from an earlier version is imported on first start: memories, runtime keys and signatures", async () => {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: "America/Los_Angeles" }).format(new Date());
  const resting = Date.now() + 3_600_000;
  await mkdir(join(folder, "data"), { recursive: true });
  await writeFile(
    join(folder, "data", "state.json"),
    JSON.stringify({
      version: 1,
      keys: {
        [keyIdOf(ALPHA)]: {
          failureCount: 0,
          cooldowns: {
            "gemini-2.5-pro": { until: resting, reason: "daily quota spent", kind: "quota_exhausted" },
          },
          unspecifiedRateLimits: {},
          lastError: "daily quota spent",
          usage: { day, requests: 7, promptTokens: 70, completionTokens: 7 },
        },
      },
      addedKeys: [{ key: ADDED }],
      removedKeyIds: [keyIdOf(BRAVO)],
      thoughtSignatures: { call_imported: "c2lnbmF0dXJl" },
    }),
  );
  const server = await start();
  expect(server.logs.join("\n")).toMatch(/imported the JSON state file into the database/);
  expect(existsSync(join(folder, "data", "state.json"))).toBe(false);
  expect(existsSync(join(folder, "data", "state.json.migrated"))).toBe(true);

  const status = (await request(`${server.url}/status`)).json as {
    keys: Array<{ id: string; source: string; requests: number; cooldowns: Array<{ model: string }> }>;
  };
  expect(status.keys.map((key) => [key.id, key.source]).sort()).toEqual(
    [
      [keyIdOf(ALPHA), "file"],
      [keyIdOf(ADDED), "admin"],
    ].sort(),
  );
  const alpha = status.keys.find((key) => key.id === keyIdOf(ALPHA));
  expect(alpha).toMatchObject({
    requests: 7,
    cooldowns: [expect.objectContaining({ model: "gemini-2.5-pro" })],
  });

  // The imported signature is re-attached to the tool call it belongs to.
  await postJson(`${server.url}/v1/chat/completions`, {
    model: "gemini-3-pro-preview",
    messages: [
      { role: "user", content: "weather?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_imported", type: "function", function: { name: "weather", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "call_imported", content: "sunny" },
    ],
    tools: [{ type: "function", function: { name: "weather", parameters: { type: "object" } } }],
  });
  const sent = JSON.stringify(fake.requests.at(-1)?.body ?? {});
  expect(sent).toContain("c2lnbmF0dXJl");

  // A second start does not import again, and keeps what the database holds.
  await server.stop();
  servers.splice(0);
  const again = await start();
  expect(again.logs.join("\n")).not.toMatch(/imported the JSON state file/);
  expect(((await request(`${again.url}/status`)).json as { totalKeys: number }).totalKeys).toBe(2);
});

test("history survives a restart; after kill -9 the history holds everything flushed before it", async () => {
  const first = await start();
  for (let index = 0; index < 3; index++) {
    expect((await postJson(`${first.url}/v1/chat/completions`, chat)).status).toBe(200);
  }
  // Flushed within a second: the file itself holds the three requests (polled, not timed).
  await waitFor(() => (requestsInDatabase() === 3 ? true : undefined), { what: "the first flush" });
  await first.stop();
  servers.splice(0);

  const second = await start();
  const history = async (server: BuiltServer) =>
    (
      (await request(`${server.url}/admin/history?groupBy=day`)).json as {
        buckets: Array<{ requests: number }>;
      }
    ).buckets.reduce((sum, bucket) => sum + bucket.requests, 0);
  expect(await history(second)).toBe(3);

  // Two more requests, flushed to the history; then the process dies at once, before it wrote the
  // keys' counters (which wait up to 10 s after an ordinary success): nothing flushed is lost.
  for (let index = 0; index < 2; index++) {
    expect((await postJson(`${second.url}/v1/chat/completions`, chat)).status).toBe(200);
  }
  await waitFor(() => (requestsInDatabase() === 5 ? true : undefined), { what: "the second flush" });
  second.child.kill("SIGKILL");
  await second.exited;
  servers.splice(0);

  const third = await start();
  expect(await history(third)).toBe(5);
  // Each key's requests today in /status count them too, as the history does.
  const status = (await request(`${third.url}/status`)).json as { keys: Array<{ requests: number }> };
  expect(status.keys.reduce((sum, key) => sum + key.requests, 0)).toBe(5);
  const log = (await request(`${third.url}/admin/requests`)).json as { rows: unknown[] };
  expect(log.rows.length).toBeGreaterThanOrEqual(3);
});

test("npm run keys:check checks the keys of a running gateway and prints a summary table", async () => {
  await fake.close();
  fake = await startFakeGemini({ keys: [ALPHA] });
  const server = await start({ ADMIN_TOKEN: "admin-secret" });
  // Run without blocking: the fake Gemini answering the gateway lives in this process.
  const checked = await runCommand("npm", ["run", "--silent", "keys:check", "--", "--url", server.url], {
    ADMIN_TOKEN: "admin-secret",
  });
  expect(checked.stderr).not.toMatch(/keys:check:/);
  expect(checked.code).toBe(0);
  expect(checked.stdout).toMatch(/│ valid\s+│ 1\s+│/);
  expect(checked.stdout).toMatch(/│ invalid\s+│ 1\s+│/);
  expect(checked.stdout).toMatch(/│ total\s+│ 2\s+│/);
  expect(checked.stdout).toContain(keyIdOf(BRAVO));
  expect(checked.stdout).not.toContain(BRAVO);

  const refused = await runCommand("node", [
    "dist/cli/keys-check.js",
    "--url",
    server.url,
    "--token",
    "wrong",
  ]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/keys:check: the gateway answered 401/);
});

function runCommand(command: string, args: string[], env: Record<string, string> = {}) {
  return run(command, args, {
    cwd: join(import.meta.dirname, "..", ".."),
    env: { ...process.env, ...env },
    timeoutMs: 60_000,
  });
}
