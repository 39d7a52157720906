/**
 * `npm run soak`: a mixed load on the BUILT gateway (dist/main.js) and the fast fake
 * (bench/fake-gemini.mjs) for a while, sampling the gateway's resident memory, to see whether it stays
 * flat. Not a test: it prints what it measured and whether RSS stayed flat, and exits non-zero only
 * when something broke (the gateway would not start, answers were wrong, it died).
 *
 * The mix, from a few concurrent workers on loopback: short chats, agent turns of about 40 KB, short
 * and paced streams, streams the client abandons after the first event, native calls, image URLs the
 * gateway downloads from a local image host, bad input (broken JSON, JSON nested too deep, a stray % in a
 * data: URL), /status and /metrics reads, and an occasional keys reload.
 *
 * Options: --minutes <n> (default 5), --workers <n> (default 8), --dist <folder> (another build).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { createAgent, requestOnce, streamOnce } from "./lib/http-client.mjs";
import { rssMb, startFake, startGateway, stopAll, stopProcess } from "./lib/processes.mjs";
import { buildWorkloads } from "./lib/workloads.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const option = (name, fallback) => {
  const position = process.argv.indexOf(name);
  return position === -1 ? fallback : process.argv[position + 1];
};
const minutes = Number(option("--minutes", "5"));
const workers = Number(option("--workers", "8"));
const distFolder = resolve(option("--dist", join(here, "..", "dist")));
/** Memory is judged after this warm-up (JIT, pools and caches fill up first). */
const WARMUP_MS = Math.min(60_000, (minutes * 60_000) / 5);
/**
 * RSS saws up and down with V8's collections, so the slope of all samples says little over minutes;
 * the floor (the lowest RSS in a window, right after a collection) is what grows when memory leaks.
 * Flat: the floor of the last third of the run is within this much of the first third's.
 */
const FLAT_FLOOR_GROWTH_MB = 10;

const log = (message) => process.stderr.write(`[soak] ${message}\n`);

/** A PNG signature and zeros: 200 KB, what a screenshot-sized image costs the gateway. */
function startImageHost() {
  const image = Buffer.alloc(200 * 1024);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(image);
  const server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "image/png", "content-length": image.length }).end(image);
  });
  return new Promise((resolveHost) =>
    server.listen(0, "127.0.0.1", () => resolveHost({ server, port: server.address().port })),
  );
}

function chat(content, extra = {}) {
  return JSON.stringify({ model: "gemini-2.5-flash", messages: [{ role: "user", content }], ...extra });
}

function buildMix(workloads, imagePort) {
  const post = (path, body) => ({ kind: "request", call: { path, body } });
  return [
    {
      name: "small chat",
      weight: 6,
      ...post(workloads.small.openai.path, workloads.small.openai.body),
      expect: 200,
    },
    {
      name: "agent turn",
      weight: 3,
      ...post(workloads.agent.openai.path, workloads.agent.openai.body),
      expect: 200,
    },
    { name: "short stream", weight: 3, kind: "stream", call: workloads.shortStream.openai, expect: 200 },
    { name: "paced stream", weight: 1, kind: "stream", call: workloads.pacedStream.openai, expect: 200 },
    { name: "abandoned stream", weight: 1, kind: "abandon", call: workloads.pacedStream.openai },
    {
      name: "native call",
      weight: 2,
      ...post(workloads.small.gemini.path, workloads.small.gemini.body),
      expect: 200,
    },
    {
      name: "image URLs",
      weight: 1,
      ...post("/v1/chat/completions", freshImageBody(imagePort)),
      expect: 200,
      fresh: true,
    },
    { name: "broken JSON", weight: 1, ...post("/v1/chat/completions", "{"), expect: 400 },
    {
      name: "JSON too deep",
      weight: 1,
      ...post(
        "/v1/chat/completions",
        `{"model":"gemini-2.5-flash","x":${"[".repeat(500)}${"]".repeat(500)}}`,
      ),
      expect: 400,
    },
    {
      name: "stray % in a data: URL",
      weight: 1,
      ...post(
        "/v1/chat/completions",
        chat([{ type: "image_url", image_url: { url: "data:text/plain,100%zz" } }]),
      ),
      expect: 200,
    },
    {
      name: "GET /status",
      weight: 1,
      kind: "request",
      call: { method: "GET", path: "/status" },
      expect: 200,
    },
    {
      name: "GET /metrics",
      weight: 1,
      kind: "request",
      call: { method: "GET", path: "/metrics" },
      expect: 200,
    },
    { name: "keys reload", weight: 0.1, ...post("/admin/reload-keys", "{}"), expect: 200 },
  ].map((entry) => ({ ...entry, imagePort }));
}

/** Distinct image URLs each time, so the gateway really downloads (and must forget) each one. */
function freshImageBody(imagePort) {
  return chat([
    { type: "text", text: "What is in these?" },
    ...[1, 2].map((index) => ({
      type: "image_url",
      image_url: { url: `http://127.0.0.1:${imagePort}/image-${index}-${Math.random()}.png` },
    })),
  ]);
}

function pick(mix) {
  const total = mix.reduce((sum, entry) => sum + entry.weight, 0);
  let roll = Math.random() * total;
  for (const entry of mix) {
    roll -= entry.weight;
    if (roll <= 0) return entry;
  }
  return mix[0];
}

async function runOne(entry, target, agent, tally) {
  tally[entry.name] ??= { sent: 0, unexpected: 0, statuses: {} };
  const count = tally[entry.name];
  count.sent++;
  let status;
  if (entry.kind === "request") {
    const call = entry.fresh ? { ...entry.call, body: freshImageBody(entry.imagePort) } : entry.call;
    status = (await requestOnce(agent, target, call)).status;
  } else if (entry.kind === "stream") {
    const result = await streamOnce(agent, target, entry.call);
    status = result.done ? result.status : `${result.status} without [DONE]`;
  } else {
    // The client leaves after about a second of a paced stream.
    const result = await streamOnce(createAgent(1), target, { ...entry.call, timeoutMs: 1_000 });
    status = result.timedOut ? "abandoned" : result.status;
  }
  count.statuses[status] = (count.statuses[status] ?? 0) + 1;
  if (entry.expect !== undefined && status !== entry.expect) count.unexpected++;
}

/** Least-squares slope of (minute, MB) pairs. */
function slopePerMinute(points) {
  const n = points.length;
  if (n < 2) return 0;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (const [x, y] of points) {
    numerator += (x - meanX) * (y - meanY);
    denominator += (x - meanX) ** 2;
  }
  return denominator === 0 ? 0 : numerator / denominator;
}

async function main() {
  const scratch = mkdtempSync(join(tmpdir(), "gemini-rotator-soak-"));
  const keysFile = join(scratch, "keys.txt");
  writeFileSync(
    keysFile,
    `${[0, 1, 2, 3].map((index) => `soak-fake-key-${String(index).padStart(4, "0")}`).join("\n")}\n`,
  );
  const images = await startImageHost();
  const fake = await startFake(join(here, "fake-gemini.mjs"));
  const gateway = await startGateway(
    join(distFolder, "main.js"),
    {
      KEYS_FILE: keysFile,
      STATE_FILE: join(scratch, "state.json"),
      GEMINI_BASE_URL: `http://127.0.0.1:${fake.target.port}`,
      LOG_LEVEL: "warn",
      WATCH_KEYS_FILE: "false",
      ALLOW_PRIVATE_MEDIA_URLS: "true",
      NODE_ENV: "production",
    },
    { nodeArguments: ["--max-semi-space-size=8"] },
  );
  const workloads = await buildWorkloads(distFolder);
  const mix = buildMix(workloads, images.port);
  log(`gateway pid ${gateway.pid}; ${workers} workers for ${minutes} min (warm-up ${WARMUP_MS / 1000} s)`);

  const startedAt = Date.now();
  const endsAt = startedAt + minutes * 60_000;
  const samples = [];
  const sampler = setInterval(() => {
    const value = rssMb(gateway.pid);
    if (value !== undefined) samples.push([(Date.now() - startedAt) / 60_000, value]);
  }, 1_000);
  const reporter = setInterval(() => {
    const last = samples.at(-1);
    if (last) log(`${last[0].toFixed(1)} min: RSS ${last[1].toFixed(1)} MB`);
  }, 30_000);

  const tally = {};
  await Promise.all(
    Array.from({ length: workers }, async () => {
      const agent = createAgent(1);
      while (Date.now() < endsAt) {
        if (gateway.child.exitCode !== null)
          throw new Error(`the gateway exited: ${gateway.stderr().slice(0, 1000)}`);
        await runOne(pick(mix), gateway.target, agent, tally);
      }
      agent.destroy();
    }),
  );
  await sleep(2_000);
  samples.push([(Date.now() - startedAt) / 60_000, rssMb(gateway.pid)]);
  clearInterval(sampler);
  clearInterval(reporter);

  const afterWarmup = samples.filter(([minute]) => minute * 60_000 >= WARMUP_MS);
  const values = afterWarmup.map(([, megabytes]) => megabytes);
  const slope = slopePerMinute(afterWarmup);
  const third = Math.max(1, Math.floor(values.length / 3));
  const firstFloor = Math.min(...values.slice(0, third));
  const lastFloor = Math.min(...values.slice(-third));
  const summary = {
    minutes,
    workers,
    requests: Object.values(tally).reduce((sum, count) => sum + count.sent, 0),
    rssMb: {
      atWarmupEnd: Number(values[0]?.toFixed(1)),
      min: Number(Math.min(...values).toFixed(1)),
      max: Number(Math.max(...values).toFixed(1)),
      final: Number(values.at(-1)?.toFixed(1)),
      slopePerMinute: Number(slope.toFixed(2)),
      floorFirstThird: Number(firstFloor.toFixed(1)),
      floorLastThird: Number(lastFloor.toFixed(1)),
    },
    flat: lastFloor - firstFloor < FLAT_FLOOR_GROWTH_MB,
    mix: tally,
  };
  const unexpected = Object.entries(tally).filter(([, count]) => count.unexpected > 0);
  await stopProcess(gateway.child);
  await stopProcess(fake.child);
  images.server.close();
  rmSync(scratch, { recursive: true, force: true });

  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  log(
    `${summary.requests} requests; RSS after warm-up ${summary.rssMb.atWarmupEnd} MB → ${summary.rssMb.final} MB ` +
      `(min ${summary.rssMb.min}, max ${summary.rssMb.max}, slope ${summary.rssMb.slopePerMinute} MB/min); ` +
      `floor ${summary.rssMb.floorFirstThird} MB in the first third, ${summary.rssMb.floorLastThird} MB in the last: ` +
      (summary.flat ? "flat" : "GROWING"),
  );
  if (unexpected.length > 0) {
    log(`unexpected answers: ${JSON.stringify(Object.fromEntries(unexpected))}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  log(`FAILED: ${error.stack ?? error}`);
  stopAll();
  process.exit(1);
});
