/**
 * A/B comparison of gateway builds or Node flags, to measure a change before making it: each variant is
 * a build folder (a patched copy of dist/ placed anywhere under the repository, so it still finds
 * node_modules) and optional Node arguments. Variants run in turn, for several rounds (ABAB…), so slow
 * drift of the machine falls on all of them alike; the table shows the median of the rounds.
 *
 *   node bench/compare.mjs --variant base=dist --variant semi8=dist@--max-semi-space-size=8 \
 *     [--rounds 3] [--streams 512] [--seconds 4]
 *
 * Per variant and round: added latency at one connection (small OpenAI request, p50/p99, against the
 * fake measured in the same round) and the gateway's CPU time per request there, throughput at 64 connections and the gateway's CPU time per request
 * there (the steadiest figure when other work shares the machine), the first token of short streams,
 * RSS after start and at the peak of the load, and with --streams N, N paced streams.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import {
  measureFirstToken,
  measureLatency,
  measureLatencyHrtime,
  measurePacedStreams,
  measureThroughput,
} from "./lib/phases.mjs";
import {
  cpuTimeMs,
  rssMb,
  sampleRss,
  startFake,
  startGateway,
  stopAll,
  stopProcess,
} from "./lib/processes.mjs";
import { buildWorkloads } from "./lib/workloads.mjs";
import { wrkVersion } from "./lib/wrk.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const rounds = Number(option("--rounds", 3));
const seconds = Number(option("--seconds", 4));
const streams = Number(option("--streams", 0));
const logLevel = option("--log-level", "warn");

const variants = argv
  .flatMap((argument, index) => (argument === "--variant" ? [argv[index + 1]] : []))
  .map((text) => {
    const [name, rest] = text.split(/=(.*)/s);
    const [folder, ...nodeArguments] = rest.split("@");
    return {
      name,
      dist: resolve(root, folder),
      nodeArguments: nodeArguments.flatMap((part) => part.split(" ")).filter(Boolean),
    };
  });
if (variants.length === 0) {
  console.error("usage: node bench/compare.mjs --variant name=distFolder[@--node-flag...] ...");
  process.exit(2);
}

const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((left, right) => left - right);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function main() {
  const generator = wrkVersion() ? "wrk" : "autocannon";
  const scratch = mkdtempSync(join(tmpdir(), "gemini-rotator-compare-"));
  const keysFile = join(scratch, "keys.txt");
  writeFileSync(keysFile, "bench-fake-key-0001\nbench-fake-key-0002\n");
  const fake = await startFake(join(here, "fake-gemini.mjs"));
  const workloads = await buildWorkloads(variants[0].dist);
  const rows = new Map(variants.map((variant) => [variant.name, []]));

  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) {
      const gateway = await startGateway(
        join(variant.dist, "server.js"),
        {
          KEYS_FILE: keysFile,
          STATE_FILE: join(scratch, `${variant.name}-${round}.json`),
          GEMINI_BASE_URL: `http://127.0.0.1:${fake.target.port}`,
          LOG_LEVEL: logLevel,
          WATCH_KEYS_FILE: "false",
        },
        { nodeArguments: variant.nodeArguments },
      );
      await sleep(1000);
      const row = { idleMb: rssMb(gateway.pid) };
      await measureLatencyHrtime(gateway.target, workloads.small.openai, { seconds: 2, count: 3000 });
      const options = (name) => ({ seconds, useWrk: generator === "wrk", scriptFolder: scratch, name });
      const direct = await measureLatency(fake.target, workloads.small.gemini, options("direct"));
      const cpuBeforeLatency = cpuTimeMs(gateway.pid);
      const viaGateway = await measureLatency(gateway.target, workloads.small.openai, options("gateway"));
      row.cpuUsPerRequestC1 = ((cpuTimeMs(gateway.pid) - cpuBeforeLatency) * 1000) / viaGateway.requests;
      row.addedP50 = viaGateway.p50 - direct.p50;
      row.addedP99 = viaGateway.p99 - direct.p99;
      const sampler = sampleRss(gateway.pid);
      const cpuBefore = cpuTimeMs(gateway.pid);
      const throughput = await measureThroughput(gateway.target, workloads.small.openai, {
        seconds,
        connections: 64,
        generator,
        scriptFolder: scratch,
        name: "throughput",
      });
      row.requestsPerSecond = throughput.requestsPerSecond;
      row.cpuUsPerRequest = ((cpuTimeMs(gateway.pid) - cpuBefore) * 1000) / throughput.requests;
      const firstToken = await measureFirstToken(gateway.target, workloads.shortStream.openai, {
        count: 2000,
        seconds: 2,
      });
      row.firstTokenP50 = firstToken.firstToken.p50;
      if (streams > 0) {
        const paced = await measurePacedStreams(gateway.target, workloads.pacedStream.openai, {
          streams,
          expectedChunks: 64,
          paceMs: 20,
          spreadMs: 500,
          lateAfterMs: 20,
          timeoutMs: 30_000,
          expectDone: true,
        });
        row.streamsDropped = paced.dropped;
        row.lateChunks = paced.lateChunks;
        row.streamFirstTokenP99 = paced.firstToken.p99;
        row.transitP50 = paced.transit.p50;
      }
      row.peakMb = sampler.stop().peakMb;
      rows.get(variant.name).push(row);
      await stopProcess(gateway.child);
      console.error(
        `[compare] round ${round + 1}/${rounds} ${variant.name}: ${JSON.stringify(row, (_key, value) => (typeof value === "number" ? Number(value.toFixed(3)) : value))}`,
      );
    }
  }
  await stopProcess(fake.child);
  rmSync(scratch, { recursive: true, force: true });

  const columns = Object.keys(rows.get(variants[0].name)[0]);
  const best = (column, values) =>
    column === "requestsPerSecond" ? Math.max(...values) : Math.min(...values);
  for (const [title, reduce] of [
    [`median of ${rounds} rounds`, (_column, values) => median(values)],
    [`best of ${rounds} rounds (least disturbed by other work on the machine)`, best],
  ]) {
    console.log(`\n${title} (${generator}); added = gateway − direct, ms; CPU in µs per request; RSS in MB`);
    console.log(
      ["variant".padEnd(16), ...columns.map((column) => column.slice(0, 17).padStart(18))].join(""),
    );
    for (const variant of variants) {
      const values = columns.map((column) =>
        reduce(
          column,
          rows.get(variant.name).map((row) => row[column]),
        ),
      );
      console.log(
        [
          variant.name.padEnd(16),
          ...values.map((value) => (Number.isFinite(value) ? value.toFixed(3) : "–").padStart(18)),
        ].join(""),
      );
    }
  }
}

main().catch((error) => {
  console.error(error);
  stopAll();
  process.exit(1);
});
