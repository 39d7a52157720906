/**
 * The BUILT server (`node dist/server.js`, what `npm start` and the image run; jest's global setup
 * builds it) as an operator runs it: what start-up says, default process metrics, and SIGTERM, which
 * must let a running stream finish, refuse new connections and exit 0.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeGemini } from "../fake-gemini/index.js";
import { reply, streamSteps } from "../fake-gemini/replies.js";
import type { FakeGemini } from "../fake-gemini/types.js";
import { type BuiltServer, startBuiltServer } from "../support/built-server.js";
import { type ChunkJson, chatStreamOf, contentOf } from "../support/openai-chat-stream.js";
import { waitFor } from "../support/poll.js";
import { parseSse } from "../support/sse.js";

const KEYS = ["fake-key-alpha-0001", "fake-key-bravo-0002"];
const CHAT = {
  model: "gemini-2.5-flash",
  messages: [{ role: "user", content: "Count to ten" }],
  stream: true,
};
const PIECES = ["one ", "two ", "three ", "four ", "five ", "six ", "seven ", "eight ", "nine ", "ten"];

let fake: FakeGemini;
let folder: string;
const running: BuiltServer[] = [];

/** The built server on the shared folder, with the contract's defaults unless `env` says otherwise. */
async function startBuilt(env: Record<string, string> = {}): Promise<BuiltServer> {
  const gateway = await startBuiltServer({
    geminiBaseUrl: fake.url,
    keys: KEYS,
    folder,
    env: { SHUTDOWN_TIMEOUT_MS: "30000", ...env },
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
    // The fake holds the stream after its first piece until the test lets it go on, so the stream is
    // still running when the signal lands, however slow the machine.
    const steps = streamSteps();
    fake.enqueue(reply.text(PIECES, { gate: steps.gate }));
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
    // The listening socket closes, while the stream still runs.
    const refused = await waitFor(async () => ((await connectionRefused(gateway.port)) ? true : undefined), {
      what: "new connections to be refused",
    });
    expect(refused).toBe(true);
    expect(gateway.child.exitCode).toBeNull();

    steps.releaseAll();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const stream = chatStreamOf(parseSse(text));
    expect(stream.done).toBe(true);
    expect(stream.afterDone).toEqual([]);
    expect(contentOf(stream.payloads as ChunkJson[])).toBe(PIECES.join(""));

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
    await waitFor(() => (fake.requests.length > before ? true : undefined), {
      what: "the request to reach the fake",
    });
    expect(fake.requests.length).toBe(before + 1);
    // The fake never answers, so the process ends only because SHUTDOWN_TIMEOUT_MS cut the request
    // (with the contract's 30 s default this test would time out).
    gateway.child.kill("SIGTERM");
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
    // The client sees its connection cut (fetch fails), not a response that pretends to be complete.
    expect(await pending).toHaveProperty("message", expect.stringMatching(/fetch failed|terminated|closed/));
    expect(parsed(gateway.logs).some((line) => /SHUTDOWN_TIMEOUT_MS/.test(line.msg))).toBe(true);
  });
});
