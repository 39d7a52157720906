/**
 * The BUILT server (`node dist/server.js`, what `npm start` and the image run; jest's global setup
 * builds it) as an operator runs it: what start-up says, default process metrics, and SIGTERM, which
 * must let a running stream finish, refuse new connections and exit 0.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type SpawnedGateway, spawnGateway } from "../docker/spawn-gateway.js";
import { startFakeGemini } from "../fake-gemini/index.js";
import { reply } from "../fake-gemini/replies.js";
import type { FakeGemini } from "../fake-gemini/types.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const KEYS = ["fake-key-alpha-0001", "fake-key-bravo-0002"];
const CHAT = {
  model: "gemini-2.5-flash",
  messages: [{ role: "user", content: "Count to ten" }],
  stream: true,
};
const PIECES = ["one ", "two ", "three ", "four ", "five ", "six ", "seven ", "eight ", "nine ", "ten"];

let fake: FakeGemini;
let folder: string;
const running: SpawnedGateway[] = [];

async function startBuilt(env: Record<string, string> = {}): Promise<SpawnedGateway> {
  const gateway = await spawnGateway({
    command: ["node", join(root, "dist", "server.js")],
    cwd: folder,
    env: {
      HOST: "127.0.0.1",
      KEYS_FILE: join(folder, "keys.txt"),
      STATE_FILE: join(folder, "data", "state.json"),
      GEMINI_BASE_URL: fake.url,
      WATCH_KEYS_FILE: "false",
      ...env,
    },
  });
  running.push(gateway);
  return gateway;
}

/** Whether a brand-new TCP connection to the port is refused. */
function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

function parsed(logs: readonly string[]): Array<Record<string, any>> {
  return logs.flatMap((line) => {
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  });
}

beforeAll(async () => {
  fake = await startFakeGemini({ keys: KEYS });
  folder = await mkdtemp(join(tmpdir(), "gemini-rotator-ops-"));
  await writeFile(join(folder, "keys.txt"), `${KEYS.join("\n")}\n`);
});

afterAll(async () => {
  await Promise.all(running.map((gateway) => gateway.stop(1000)));
  await fake.close();
  await rm(folder, { recursive: true, force: true });
});

describe("start-up", () => {
  test("says which protections are off, and warns when the API is open on the network", async () => {
    const gateway = await startBuilt({ HOST: "0.0.0.0" });
    const lines = parsed(gateway.logs);
    const listening = lines.find((line) => line.msg === "gemini-rotator listening");
    expect(listening).toMatchObject({
      level: "info",
      keys: 2,
      accessToken: expect.stringMatching(/^off/),
      adminToken: expect.stringMatching(/^off: \/admin answers only clients on this machine/),
      cors: "any origin",
      bodyLimit: "25mb",
    });
    expect(lines.find((line) => line.level === "warn")?.msg).toMatch(
      /ACCESS_TOKEN is not set and HOST is 0\.0\.0\.0/,
    );
    expect((await gateway.stop()).code).toBe(0);
  });

  test("says which protections are on, and never prints the tokens", async () => {
    const gateway = await startBuilt({
      ACCESS_TOKEN: "client-token-startup-1234",
      ADMIN_TOKEN: "admin-token-startup-5678",
    });
    const listening = parsed(gateway.logs).find((line) => line.msg === "gemini-rotator listening");
    expect(listening).toMatchObject({
      accessToken: "on: /v1 and /v1beta need ACCESS_TOKEN",
      adminToken: "on: /admin and /status need ADMIN_TOKEN",
    });
    expect(parsed(gateway.logs).some((line) => line.level === "warn")).toBe(false);
    const output = gateway.logs.join("\n");
    for (const secret of ["client-token-startup-1234", "admin-token-startup-5678", ...KEYS]) {
      expect(output).not.toContain(secret);
    }
    await gateway.stop();
  });

  test("a bad setting stops start-up with one line that names it", async () => {
    await expect(startBuilt({ PORT_IGNORED: "1", MAX_FAILURES: "many" })).rejects.toThrow(
      /exited with code 1:\ngemini-rotator: MAX_FAILURES must be a whole number/,
    );
  });

  test("the built server exports the default process metrics next to the gateway's", async () => {
    const gateway = await startBuilt();
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    for (const family of [
      "process_cpu_user_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_eventloop_lag_seconds",
      "nodejs_heap_size_used_bytes",
      "gateway_keys",
      "gateway_http_requests_total",
    ]) {
      expect({ family, present: text.includes(`# TYPE ${family} `) }).toEqual({ family, present: true });
    }
    await gateway.stop();
  });
});

describe("SIGTERM", () => {
  test("a running stream finishes with [DONE], new connections are refused, the process exits 0", async () => {
    const gateway = await startBuilt({ SHUTDOWN_TIMEOUT_MS: "20000" });
    fake.enqueue(reply.text(PIECES, { paceMs: 150 }));
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(CHAT),
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);

    gateway.child.kill("SIGTERM");
    // The listening socket closes at once, while the stream still runs.
    const refusedAt = Date.now();
    let refused = false;
    while (!refused && Date.now() - refusedAt < 1000) {
      refused = await connectionRefused(gateway.port);
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(refused).toBe(true);
    expect(gateway.child.exitCode).toBeNull();

    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const payloads = text
      .split("\n\n")
      .map((block) => block.trim())
      .filter((block) => block.startsWith("data: "))
      .map((block) => block.slice("data: ".length));
    expect(payloads.at(-1)).toBe("[DONE]");
    const content = payloads
      .slice(0, -1)
      .map((payload) => JSON.parse(payload).choices[0]?.delta?.content ?? "")
      .join("");
    expect(content).toBe(PIECES.join(""));

    expect(await gateway.exited).toEqual({ code: 0, signal: null });
    const messages = parsed(gateway.logs).map((line) => line.msg);
    expect(messages).toContain("shutting down: no new connections; in-flight requests may finish");
    expect(messages).toContain("shut down cleanly");
  });

  test("a request still running after SHUTDOWN_TIMEOUT_MS is cut and the process still exits 0", async () => {
    const gateway = await startBuilt({ SHUTDOWN_TIMEOUT_MS: "500" });
    fake.enqueue({ kind: "hang" });
    const before = fake.requests.length;
    const pending = fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(CHAT),
    }).then(
      (response) => response.text(),
      (error: Error) => error,
    );
    // Let the request reach the fake before the signal.
    const deadline = Date.now() + 3000;
    while (fake.requests.length === before && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(fake.requests.length).toBe(before + 1);
    const signalledAt = Date.now();
    gateway.child.kill("SIGTERM");
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(3000);
    // The client sees its connection cut (fetch fails), not a response that pretends to be complete.
    expect(await pending).toHaveProperty("message", expect.stringMatching(/fetch failed|terminated|closed/));
    expect(parsed(gateway.logs).some((line) => /SHUTDOWN_TIMEOUT_MS/.test(line.msg))).toBe(true);
  });
});
