/**
 * The BUILT gateway (`node dist/server.js`, what `npm start` runs) as a child process on a free loopback
 * port, configured only through its environment, in front of a fake Gemini. jest's global setup builds
 * `dist/` first (test/global-setup.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const serverEntry = join(root, "dist", "server.js");
const STARTUP_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

export interface BuiltServerOptions {
  /** The fake Gemini's URL, e.g. `fake.url`. */
  geminiBaseUrl: string;
  /** Lines of the keys file. */
  keys: readonly string[];
  /** More environment, names as in the contract (`ACCESS_TOKEN`, `REQUEST_TIMEOUT_MS`…). */
  env?: Record<string, string>;
  /**
   * Reuse this folder (keys file and state file), e.g. to restart on the state an earlier server
   * saved; it is then left in place by `stop()`. Default: a fresh temporary folder, removed by `stop()`.
   */
  folder?: string;
}

export interface BuiltServer {
  /** e.g. `http://127.0.0.1:41234`, without a trailing slash. */
  url: string;
  /** The folder holding the keys file and the state file. */
  folder: string;
  /** Everything the process wrote to stdout and stderr, line by line. */
  logs: string[];
  /** SIGTERM (the server saves its state and drains), then SIGKILL if it has not exited in time. */
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the kernel's choice for port 0). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

async function waitForHealth(url: string, child: ChildProcess, logs: string[]): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the built server exited with code ${child.exitCode}:\n${logs.join("\n")}`);
    }
    // The start-up line proves that this child (not some other process on the port) is listening.
    if (logs.some((line) => line.includes("gemini-rotator listening"))) {
      try {
        const response = await fetch(`${url}/health`);
        if (response.ok) return;
      } catch {
        // Not answering yet.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `the built server did not answer /health within ${STARTUP_TIMEOUT_MS} ms:\n${logs.join("\n")}`,
  );
}

/** Starts `node dist/server.js` and resolves once `/health` answers. */
export async function startBuiltServer(options: BuiltServerOptions): Promise<BuiltServer> {
  // The free port can be taken between the probe and the child's listen; try another one then.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE|already in use/.test(String(error))) throw error;
    }
  }
}

async function startOnce(options: BuiltServerOptions): Promise<BuiltServer> {
  const folder = options.folder ?? (await mkdtemp(join(tmpdir(), "gemini-rotator-e2e-")));
  const keysFile = join(folder, "keys.txt");
  await writeFile(keysFile, `${options.keys.join("\n")}\n`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logs: string[] = [];

  // Only what the test decides: nothing from the developer's shell (GEMINI_API_KEYS, ACCESS_TOKEN…).
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: String(port),
    KEYS_FILE: keysFile,
    STATE_FILE: join(folder, "data", "state.json"),
    GEMINI_BASE_URL: options.geminiBaseUrl,
    WATCH_KEYS_FILE: "false",
    SHUTDOWN_TIMEOUT_MS: "2000",
    ...options.env,
  };
  const child = spawn(process.execPath, [serverEntry], {
    cwd: folder,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const collect = (chunk: Buffer) => logs.push(...String(chunk).split("\n").filter(Boolean));
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited(child);
      clearTimeout(killer);
    }
    if (options.folder === undefined) await rm(folder, { recursive: true, force: true });
  };

  try {
    await waitForHealth(url, child, logs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, folder, logs, stop };
}
