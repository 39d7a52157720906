/**
 * The gateway as a real process: the BUILT server (`node dist/main.js`, what `npm start` runs; jest's
 * global setup builds `dist/` first) or any other command (the same command inside a replayed image),
 * configured only through its environment, on a free loopback port, with its output and exit status at
 * hand. `startBuiltServer` is the usual door; `spawnGateway` is the general one under it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./free-port.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** What `npm start` runs. */
export const BUILT_SERVER_ENTRY = join(root, "dist", "main.js");
const DEFAULT_STARTUP_TIMEOUT_MS = 15_000;
const DEFAULT_STOP_GRACE_MS = 10_000;

export interface ExitOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedGateway {
  child: ChildProcess;
  /** e.g. `http://127.0.0.1:41234`, without a trailing slash. */
  url: string;
  port: number;
  /** Everything the process wrote to stdout and stderr, line by line. */
  logs: string[];
  /** Resolves once the process has exited and its output is read. */
  exited: Promise<ExitOutcome>;
  /** SIGTERM (the server saves its state and drains), then SIGKILL after `graceMs`; resolves with how it exited. */
  stop(graceMs?: number): Promise<ExitOutcome>;
}

export interface SpawnOptions {
  /** Default: `node dist/main.js`. A leading `node` runs under this very Node. */
  command?: readonly string[];
  cwd: string;
  /** Exactly the environment the process gets, plus PATH and PORT (nothing from the developer's shell). */
  env: Record<string, string>;
  startupTimeoutMs?: number;
}

/**
 * Runs the command on a free PORT (as `docker run -p` maps the container's port) and resolves once it
 * says it is listening and `/health` answers 200. When the port was taken between the probe and the
 * child's listen, it tries another one.
 */
export async function spawnGateway(options: SpawnOptions): Promise<SpawnedGateway> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnOnce(options);
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE|already in use/.test(String(error))) throw error;
    }
  }
}

async function spawnOnce(options: SpawnOptions): Promise<SpawnedGateway> {
  const port = await freePort();
  const [program, ...args] = options.command ?? ["node", BUILT_SERVER_ENTRY];
  if (!program) throw new Error("no command");
  const child = spawn(program === "node" ? process.execPath : program, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", ...options.env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const collect = (chunk: Buffer) => logs.push(...String(chunk).split("\n").filter(Boolean));
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  // "close", not "exit": by then everything the process wrote has been read.
  const exited = new Promise<ExitOutcome>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal })),
  );
  const host = options.env.HOST && options.env.HOST !== "0.0.0.0" ? options.env.HOST : "127.0.0.1";
  const url = `http://${host}:${port}`;
  const stop = async (graceMs = DEFAULT_STOP_GRACE_MS) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const outcome = await exited;
      clearTimeout(killer);
      return outcome;
    }
    return exited;
  };

  const startupTimeoutMs = options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS;
  const deadline = Date.now() + startupTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await exited;
      throw new Error(`the gateway exited with code ${child.exitCode}:\n${logs.join("\n")}`);
    }
    if (Date.now() > deadline) {
      await stop(1000);
      throw new Error(
        `the gateway did not answer /health within ${startupTimeoutMs} ms:\n${logs.join("\n")}`,
      );
    }
    // The start-up line proves that this child (not some other process on the port) is listening.
    if (logs.some((line) => line.includes("gemini-rotator listening"))) {
      try {
        const response = await fetch(`${url}/health`);
        if (response.ok) break;
      } catch {
        // Not answering yet.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, url, port, logs, exited, stop };
}

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

export interface BuiltServer extends SpawnedGateway {
  /** The folder holding the keys file and the state file. */
  folder: string;
}

/**
 * `node dist/main.js` with a keys file and a state file in `folder`, on loopback, in front of
 * `geminiBaseUrl`, resolved once `/health` answers.
 */
export async function startBuiltServer(options: BuiltServerOptions): Promise<BuiltServer> {
  const folder = options.folder ?? (await mkdtemp(join(tmpdir(), "gemini-rotator-e2e-")));
  const keysFile = join(folder, "keys.txt");
  const removeFolder = async () => {
    if (options.folder === undefined) await rm(folder, { recursive: true, force: true });
  };
  let gateway: SpawnedGateway;
  try {
    await writeFile(keysFile, `${options.keys.join("\n")}\n`);
    gateway = await spawnGateway({
      cwd: folder,
      env: {
        HOST: "127.0.0.1",
        KEYS_FILE: keysFile,
        STATE_FILE: join(folder, "data", "state.json"),
        GEMINI_BASE_URL: options.geminiBaseUrl,
        WATCH_KEYS_FILE: "false",
        SHUTDOWN_TIMEOUT_MS: "2000",
        ...options.env,
      },
    });
  } catch (error) {
    await removeFolder();
    throw error;
  }
  return {
    ...gateway,
    folder,
    async stop(graceMs = 5_000) {
      const outcome = await gateway.stop(graceMs);
      await removeFolder();
      return outcome;
    },
  };
}
