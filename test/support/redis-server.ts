import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { freePort } from "./free-port.js";

/** Whether a real redis-server is installed (CI installs it from Debian's packages). */
export function hasRedisServer(): boolean {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * `describe` when redis-server is installed; otherwise the block is skipped with one line saying what
 * cannot run and how to install it.
 */
export function describeWithRedis(name: string, body: () => void): void {
  if (hasRedisServer()) {
    describe(name, body);
    return;
  }
  console.warn(`redis-server is not installed: "${name}" cannot run (bash scripts/install-test-servers.sh)`);
  describe.skip(name, body);
}

export interface RunningRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * A throwaway Redis on loopback: no persistence, stopped by the test. `port` starts it again where a
 * stopped one was (the end of a simulated outage).
 */
export async function startRedis(options: { port?: number } = {}): Promise<RunningRedis> {
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--protected-mode",
      "yes",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), 10_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${output}`));
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
