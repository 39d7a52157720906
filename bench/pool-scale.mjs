/**
 * Does a request cost the same with a large key pool as with a small one? Starts the built gateway
 * against bench/fake-gemini.mjs once per pool size (3 keys, then 5,000 by default) and log level, and
 * measures with autocannon: chat throughput on `/v1/chat/completions`, the same while four clients poll
 * `/status` as fast as it answers, and one `/status` call (size and time).
 *
 *   npm run build && node bench/pool-scale.mjs [--seconds 8] [--sizes 3,5000] [--levels info,warn]
 *                                              [--shape google|other] [--dist dist]
 *
 * `--shape other` (the default) gives keys that do not look like Google's (`bench-fake-key-0001`, as a
 * relay's keys may), which redaction cannot catch by their shape; `google` gives `AIza…` keys.
 * It prints a table and a JSON line; it is not a test and never fails on a figure.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { cpuTimeMs, startFake, startGateway, stopAll, stopProcess } from "./lib/processes.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const seconds = Number(option("--seconds", 8));
const sizes = option("--sizes", "3,5000").split(",").map(Number);
const levels = option("--levels", "info,warn").split(",");
const shape = option("--shape", "other");
const distFolder = resolve(option("--dist", join(here, "..", "dist")));
const ADMIN_TOKEN = "bench-admin-token-not-a-secret";
const POLLERS = 4;

function fakeKey(index) {
  const digits = String(index).padStart(6, "0");
  return shape === "google" ? `AIzaSyFAKE${"x".repeat(23)}${digits}` : `bench-fake-key-${digits}`;
}

const chat = {
  method: "POST",
  path: "/v1/chat/completions",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "Say hi" }] }),
};

async function load(target, request, { connections, duration }) {
  const result = await autocannon({
    url: `http://${target.host}:${target.port}${request.path}`,
    method: request.method,
    headers: request.headers,
    body: request.body,
    connections,
    duration,
  });
  return {
    perSecond: Math.round(result.requests.average),
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

async function statusOnce(target) {
  const startedAt = performance.now();
  const response = await fetch(`http://${target.host}:${target.port}/status`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  const body = await response.text();
  return { ms: performance.now() - startedAt, bytes: body.length, status: response.status };
}

async function measure(fake, size, level, scratch) {
  const keysFile = join(scratch, `keys-${size}.txt`);
  writeFileSync(keysFile, `${Array.from({ length: size }, (_, index) => fakeKey(index)).join("\n")}\n`);
  const gateway = await startGateway(join(distFolder, "server.js"), {
    KEYS_FILE: keysFile,
    STATE_FILE: join(scratch, `state-${size}-${level}.json`),
    GEMINI_BASE_URL: `http://127.0.0.1:${fake.target.port}`,
    LOG_LEVEL: level,
    ADMIN_TOKEN,
    WATCH_KEYS_FILE: "false",
    NODE_ENV: "production",
  });
  try {
    await load(gateway.target, chat, { connections: 16, duration: 2 });
    const cpuBefore = cpuTimeMs(gateway.pid);
    const plain = await load(gateway.target, chat, { connections: 64, duration: seconds });
    const cpuAfter = cpuTimeMs(gateway.pid);
    // CPU per request holds still when other work shares the machine; req/s does not.
    const cpuMicrosPerRequest =
      cpuBefore === undefined || cpuAfter === undefined || plain.requests === 0
        ? undefined
        : Math.round(((cpuAfter - cpuBefore) * 1000) / plain.requests);
    const status = { method: "GET", path: "/status", headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };
    const [polled, polls] = await Promise.all([
      load(gateway.target, chat, { connections: 64, duration: seconds }),
      load(gateway.target, status, { connections: POLLERS, duration: seconds }),
    ]);
    const one = [];
    for (let index = 0; index < 5; index++) one.push(await statusOnce(gateway.target));
    one.sort((first, second) => first.ms - second.ms);
    return {
      size,
      level,
      chatPerSecond: plain.perSecond,
      cpuMicrosPerRequest,
      chatFailures: plain.failures,
      chatWithPollersPerSecond: polled.perSecond,
      statusPollsPerSecond: polls.perSecond,
      statusMedianMs: Number(one[2].ms.toFixed(2)),
      statusKb: Math.round(one[2].bytes / 1024),
    };
  } finally {
    await stopProcess(gateway.child);
  }
}

async function main() {
  const scratch = mkdtempSync(join(tmpdir(), "gemini-rotator-pool-scale-"));
  const fake = await startFake(join(here, "fake-gemini.mjs"));
  const rows = [];
  try {
    for (const level of levels) {
      for (const size of sizes) {
        const row = await measure(fake, size, level, scratch);
        rows.push(row);
        console.error(JSON.stringify(row));
      }
    }
  } finally {
    await stopProcess(fake.child);
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`keys shape: ${shape}; ${seconds} s per phase, 64 connections, ${POLLERS} /status pollers`);
  console.log(
    "| log level | keys | chat req/s | gateway CPU µs per request | chat req/s with pollers | /status polls/s | one /status |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const row of rows) {
    console.log(
      `| ${row.level} | ${row.size} | ${row.chatPerSecond} | ${row.cpuMicrosPerRequest ?? "-"} | ${row.chatWithPollersPerSecond} | ${row.statusPollsPerSecond} | ${row.statusKb} KB in ${row.statusMedianMs} ms |`,
    );
  }
  for (const level of levels) {
    const [small, large] = [sizes[0], sizes.at(-1)].map((size) =>
      rows.find((row) => row.level === level && row.size === size),
    );
    if (small && large && small !== large) {
      const change = ((large.chatPerSecond / small.chatPerSecond - 1) * 100).toFixed(1);
      const cpu =
        large.cpuMicrosPerRequest && small.cpuMicrosPerRequest
          ? `, ${((large.cpuMicrosPerRequest / small.cpuMicrosPerRequest - 1) * 100).toFixed(1)} % CPU per request`
          : "";
      console.log(`${level}: ${large.size} keys vs ${small.size}: ${change} % chat throughput${cpu}`);
    }
  }
}

main().catch((error) => {
  console.error(error);
  stopAll();
  process.exit(1);
});
