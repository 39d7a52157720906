/**
 * wrk (Debian's `wrk` package) as the load generator when it is installed: C, one thread, so it leaves
 * the machine's second core to the servers, and `--latency` gives percentiles to the microsecond.
 */
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export function wrkVersion() {
  const probe = spawnSync("wrk", ["--version"], { encoding: "utf8", timeout: 5000 });
  if (probe.error) return undefined;
  const match = /wrk (\S+)/.exec(`${probe.stdout}${probe.stderr}`);
  return match ? match[1] : "unknown";
}

function luaString(text) {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r")}"`;
}

/** Writes the wrk script that POSTs `body` as JSON and counts non-2xx answers. */
export function writeWrkScript(folder, name, body) {
  const path = join(folder, `${name}.lua`);
  writeFileSync(
    path,
    [
      'wrk.method = "POST"',
      `wrk.body = ${luaString(body)}`,
      'wrk.headers["Content-Type"] = "application/json"',
      "",
    ].join("\n"),
  );
  return path;
}

const UNIT_MS = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function durationMs(text) {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]] : Number.NaN;
}

export function parseWrkOutput(output) {
  const result = { percentilesMs: {} };
  for (const match of output.matchAll(/^\s+(50|75|90|99)%\s+(\S+)$/gm)) {
    result.percentilesMs[`p${match[1]}`] = durationMs(match[2]);
  }
  const latencyLine = /^\s+Latency\s+(\S+)\s+(\S+)\s+(\S+)/m.exec(output);
  if (latencyLine) {
    result.meanMs = durationMs(latencyLine[1]);
    result.stdevMs = durationMs(latencyLine[2]);
    result.maxMs = durationMs(latencyLine[3]);
  }
  const requests = /(\d+) requests in/.exec(output);
  result.requests = requests ? Number(requests[1]) : 0;
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(output);
  result.requestsPerSecond = rate ? Number(rate[1]) : 0;
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output);
  result.non2xx = non2xx ? Number(non2xx[1]) : 0;
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  result.socketErrors = socketErrors
    ? socketErrors.slice(1).reduce((sum, value) => sum + Number(value), 0)
    : 0;
  return result;
}

/** Runs wrk for `seconds` (killed after seconds + 15 s at most) and parses its report. */
export function runWrk({ url, script, connections, seconds, threads = 1 }) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "wrk",
      [
        `-t${threads}`,
        `-c${connections}`,
        `-d${seconds}s`,
        "--latency",
        "--timeout",
        "10s",
        "-s",
        script,
        url,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (text) => {
      output += text;
    });
    child.stderr.on("data", (text) => {
      output += text;
    });
    const killer = setTimeout(() => child.kill("SIGKILL"), (seconds + 15) * 1000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(killer);
      if (code !== 0) reject(new Error(`wrk exited with ${code}: ${output.slice(0, 500)}`));
      else resolve({ ...parseWrkOutput(output), raw: output });
    });
  });
}
