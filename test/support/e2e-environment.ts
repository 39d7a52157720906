/**
 * One end-to-end environment: the project's fake Gemini and, in front of it, the built gateway as a
 * child process (built-server.ts), as real clients (SDKs, agents' replayed requests) meet it.
 */
import { startFakeGemini } from "../fake-gemini/index.js";
import type { FakeGemini, FakeGeminiOptions } from "../fake-gemini/types.js";
import { type BuiltServer, startBuiltServer } from "./built-server.js";
import { TEST_ACCESS_TOKEN } from "./http.js";

/** Obviously fake keys; the fake accepts exactly these. */
export const E2E_KEYS = ["fake-e2e-key-alpha-0001", "fake-e2e-key-bravo-0002", "fake-e2e-key-charlie-0003"];
/** The gateway's ACCESS_TOKEN: the API key every client of these tests presents. */
export const ACCESS_TOKEN = TEST_ACCESS_TOKEN;

export interface E2eEnvironment {
  fake: FakeGemini;
  server: BuiltServer;
  /** The gateway's root URL. */
  url: string;
  /** `POST /admin/reset-keys` (loopback needs no token): every key active again, cooldowns cleared. */
  resetKeys(): Promise<void>;
  /** Forgets the fake's scripts, key behaviours and recordings, and resets the gateway's keys. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface EnvironmentOptions {
  fake?: FakeGeminiOptions;
  /** Extra gateway environment. */
  env?: Record<string, string>;
  keys?: readonly string[];
}

export async function startEnvironment(options: EnvironmentOptions = {}): Promise<E2eEnvironment> {
  const keys = options.keys ?? E2E_KEYS;
  const fake = await startFakeGemini({ keys, defaultPageSize: 3, ...options.fake });
  let server: BuiltServer;
  try {
    server = await startBuiltServer({
      geminiBaseUrl: fake.url,
      keys,
      env: { ACCESS_TOKEN, ...options.env },
    });
  } catch (error) {
    await fake.close();
    throw error;
  }
  const resetKeys = async () => {
    const response = await fetch(`${server.url}/admin/reset-keys`, { method: "POST" });
    if (!response.ok) throw new Error(`reset-keys answered ${response.status}: ${await response.text()}`);
  };
  return {
    fake,
    server,
    url: server.url,
    resetKeys,
    async reset() {
      fake.reset();
      await resetKeys();
    },
    async stop() {
      await server.stop();
      await fake.close();
    },
  };
}

/** The Gemini requests the fake received for generation, oldest first. */
export function generateRequests(fake: FakeGemini) {
  return fake.requests.filter(
    (request) => request.action === "generateContent" || request.action === "streamGenerateContent",
  );
}

/** The body of the latest generation request the fake received. */
export function lastGeminiBody(fake: FakeGemini): Record<string, any> {
  const last = generateRequests(fake).at(-1);
  if (!last) throw new Error("the fake received no generation request");
  return last.body as Record<string, any>;
}
