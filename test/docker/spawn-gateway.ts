/**
 * A gateway as a real process (`node dist/server.js`, or the same command inside a replayed image),
 * configured only through its environment, with its output and exit status at hand.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

export interface SpawnedGateway {
  child: ChildProcess;
  url: string;
  port: number;
  /** Everything the process wrote, line by line (stdout and stderr). */
  logs: string[];
  /** Resolves once the process has exited and its output is read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with how it exited. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
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

/**
 * Runs `command` (e.g. `["node", "dist/server.js"]`) in `cwd` with exactly `env` plus PATH, on a free
 * PORT (as `docker run -p` maps the container's port), and resolves once `/health` answers 200.
 */
export async function spawnGateway(options: {
  command: readonly string[];
  cwd: string;
  env: Record<string, string>;
  startupTimeoutMs?: number;
}): Promise<SpawnedGateway> {
  const port = await freePort();
  const [program, ...args] = options.command;
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
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal })),
  );
  const host = options.env.HOST && options.env.HOST !== "0.0.0.0" ? options.env.HOST : "127.0.0.1";
  const url = `http://${host}:${port}`;
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const outcome = await exited;
      clearTimeout(killer);
      return outcome;
    }
    return exited;
  };

  const deadline = Date.now() + (options.startupTimeoutMs ?? 15_000);
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`the gateway exited with code ${child.exitCode}:\n${logs.join("\n")}`);
    }
    if (Date.now() > deadline) {
      await stop(1000);
      throw new Error(`the gateway did not answer /health in time:\n${logs.join("\n")}`);
    }
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
