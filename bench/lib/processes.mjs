/**
 * The fake upstream and the built gateway as child processes, and their resident memory. Every child
 * is started here and stopped by its own pid; nothing is killed by name.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { requestOnce } from "./http-client.mjs";

const running = new Set();

/** Stops every child still running (on exit or on a failure). */
export function stopAll() {
  for (const child of running) if (child.exitCode === null) child.kill("SIGKILL");
  running.clear();
}
process.once("exit", stopAll);

function track(child) {
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts bench/fake-gemini.mjs and waits for its port. */
export function startFake(script, environment = {}) {
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(process.execPath, [script], {
        env: { ...process.env, ...environment },
        stdio: ["ignore", "pipe", "inherit"],
      }),
    );
    let output = "";
    const timer = setTimeout(() => reject(new Error("the fake did not start within 10 s")), 10_000);
    child.stdout.on("data", (text) => {
      output += text;
      const line = output.split("\n")[0];
      if (output.includes("\n")) {
        clearTimeout(timer);
        const { port } = JSON.parse(line);
        child.stdout.resume();
        resolve({ child, pid: child.pid, target: { host: "127.0.0.1", port } });
      }
    });
    child.once("exit", (code) => reject(new Error(`the fake exited early with ${code}`)));
  });
}

/**
 * Starts `node <serverScript>` with the given environment and waits until `/health` answers 200.
 * `nodeArguments` lets the profiler in (`--cpu-prof`).
 */
export async function startGateway(serverScript, environment, { nodeArguments = [], logTo = "ignore" } = {}) {
  const port = await freePort();
  const child = track(
    spawn(process.execPath, [...nodeArguments, serverScript], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...environment,
        PORT: String(port),
        HOST: "127.0.0.1",
      },
      stdio: ["ignore", logTo, "pipe"],
    }),
  );
  let errors = "";
  child.stderr.on("data", (text) => {
    errors += text;
  });
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  const target = { host: "127.0.0.1", port };
  for (let attempt = 0; attempt < 150; attempt++) {
    if (exited) throw new Error(`the gateway exited at start-up: ${errors.slice(0, 1000)}`);
    const health = await requestOnce(undefined, target, { method: "GET", path: "/health" });
    if (health.status === 200) return { child, pid: child.pid, target, stderr: () => errors };
    await sleep(100);
  }
  child.kill("SIGKILL");
  throw new Error(`the gateway did not answer /health within 15 s: ${errors.slice(0, 1000)}`);
}

/** SIGTERM, then SIGKILL after `graceMs`. Resolves when the process is gone. */
export function stopProcess(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Resident set size of a process in MB: from /proc on Linux, else from `ps`; undefined if neither. */
export function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    if (match) return Number(match[1]) / 1024;
  } catch {
    // No /proc (macOS): ask ps.
  }
  const probe = spawnSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8", timeout: 2000 });
  const kilobytes = Number.parseInt(probe.stdout ?? "", 10);
  return Number.isFinite(kilobytes) ? kilobytes / 1024 : undefined;
}

/**
 * CPU time a process (all its threads: the event loop, GC helpers, the libuv pool) has used so far, in
 * ms, from /proc/<pid>/stat (10 ms ticks); undefined where there is no /proc. Unlike a wall-clock rate,
 * CPU per request holds still when other work shares the machine.
 */
export function cpuTimeMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    // utime and stime, the 14th and 15th fields of the line (11th and 12th after the command name).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `intervalMs` until `stop()`; answers the peak and the samples. */
export function sampleRss(pid, intervalMs = 100) {
  const samples = [];
  const timer = setInterval(() => {
    const value = rssMb(pid);
    if (value !== undefined) samples.push(value);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return { peakMb: samples.length ? Math.max(...samples) : undefined, samples: samples.length };
    },
  };
}

/**
 * The gateway's event-loop delay since the previous call, from bench/lib/loop-monitor.mjs (which the
 * gateway must have been started with, and `BENCH_LOOP_MONITOR=<file>`). Signals the gateway and waits
 * for its answer in the file; undefined when it does not come within 5 s.
 */
export async function loopDelaySince(gateway, file) {
  const read = () => {
    try {
      return JSON.parse(readFileSync(file, "utf8"));
    } catch {
      return undefined;
    }
  };
  const before = read()?.sequence ?? 0;
  process.kill(gateway.pid, "SIGUSR2");
  for (let attempt = 0; attempt < 100; attempt++) {
    await sleep(50);
    const answer = read();
    if (answer && answer.sequence > before) return answer;
  }
  return undefined;
}
