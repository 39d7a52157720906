/**
 * Profiles the built gateway under one workload: starts the fake and `node --cpu-prof dist/server.js`,
 * drives the load, stops the gateway (the profile is written on exit), and prints where the CPU went:
 * by package or source file, and the functions with the most self time and the most total time.
 *
 *   npm run build && node bench/profile.mjs [requests|agent|streams|burst|first-token] [--seconds 10] [--dist dist]
 *                                           [--keys 2] [--log-level warn]
 *
 * The profile lands in bench/results/ as `profile-<scenario>-<time>.cpuprofile.json` (open it in Chrome
 * DevTools' Performance panel or in speedscope for the flame graph).
 * Figures under the profiler are slower than `npm run bench`'s; read them for proportions only.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { measureFirstToken, measurePacedStreams, measureThroughput } from "./lib/phases.mjs";
import { rssMb, startFake, startGateway, stopAll, stopProcess } from "./lib/processes.mjs";
import { buildWorkloads } from "./lib/workloads.mjs";
import { wrkVersion } from "./lib/wrk.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const positional = argv.filter(
  (argument, index) => !argument.startsWith("--") && !argv[index - 1]?.startsWith("--"),
);
const scenario = positional[0] ?? "requests";
const seconds = Number(option("--seconds", 10));
const distFolder = resolve(option("--dist", join(root, "dist")));

/** Groups a call frame: a package under node_modules, a file of the gateway, Node's internals, or V8. */
function groupOf(frame, distUrl) {
  const url = frame.url ?? "";
  if (!url) return frame.functionName.startsWith("(") ? frame.functionName : "(native)";
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.startsWith("node:")) return `${url.replace(/^node:internal\//, "node:")}`.replace(/\/[^/]*$/, "/…");
  if (distUrl && url.startsWith(distUrl)) return `gateway ${url.slice(distUrl.length)}`;
  return url.replace(/^file:\/\//, "");
}

export function summarizeProfile(profile, { top = 25, distUrl } = {}) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const intervalMs = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const selfMs = new Map();
  for (const node of profile.nodes) selfMs.set(node.id, (node.hitCount ?? 0) * intervalMs);
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const totalMs = profile.nodes.reduce((sum, node) => sum + selfMs.get(node.id), 0);
  const idleMs = profile.nodes
    .filter((node) => node.callFrame.functionName === "(idle)")
    .reduce((sum, node) => sum + selfMs.get(node.id), 0);
  const busyMs = totalMs - idleMs;

  const groups = new Map();
  const selfByFunction = new Map();
  const totalByFunction = new Map();
  const nameOf = (frame) =>
    `${frame.functionName || "(anonymous)"} ${groupOf(frame, distUrl)}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
  for (const node of profile.nodes) {
    const self = selfMs.get(node.id);
    if (node.callFrame.functionName === "(idle)") continue;
    groups.set(groupOf(node.callFrame, distUrl), (groups.get(groupOf(node.callFrame, distUrl)) ?? 0) + self);
    const name = nameOf(node.callFrame);
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + self);
    // Total time: credit this node's self time once to every distinct function above it.
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const ancestorName = nameOf(byId.get(id).callFrame);
      if (seen.has(ancestorName)) continue;
      seen.add(ancestorName);
      totalByFunction.set(ancestorName, (totalByFunction.get(ancestorName) ?? 0) + self);
    }
  }
  const ranked = (map) =>
    [...map.entries()]
      .sort((left, right) => right[1] - left[1])
      .slice(0, top)
      .map(([name, ms]) => ({
        name,
        ms: Number(ms.toFixed(1)),
        share: Number(((ms / busyMs) * 100).toFixed(1)),
      }));
  return {
    busyMs: Number(busyMs.toFixed(1)),
    idleMs: Number(idleMs.toFixed(1)),
    groups: ranked(groups),
    self: ranked(selfByFunction),
    total: ranked(totalByFunction).filter((entry) => !entry.name.startsWith("(root)")),
  };
}

function printSummary(summary) {
  const print = (title, entries) => {
    console.log(`\n${title}`);
    for (const entry of entries)
      console.log(
        `${entry.share.toFixed(1).padStart(6)} %  ${entry.ms.toFixed(0).padStart(7)} ms  ${entry.name}`,
      );
  };
  console.log(
    `busy ${summary.busyMs.toFixed(0)} ms, idle ${summary.idleMs.toFixed(0)} ms (shares are of busy time)`,
  );
  print("by package / file (self time)", summary.groups);
  print("functions by self time", summary.self);
  print("functions by total time (self + callees)", summary.total);
}

async function main() {
  const scratch = mkdtempSync(join(tmpdir(), "gemini-rotator-profile-"));
  const profileFolder = join(scratch, "profile");
  const keysFile = join(scratch, "keys.txt");
  const keyCount = Number(option("--keys", 2));
  writeFileSync(
    keysFile,
    `${Array.from({ length: keyCount }, (_, index) => `bench-fake-key-${String(index + 1).padStart(4, "0")}`).join("\n")}\n`,
  );
  const fake = await startFake(join(here, "fake-gemini.mjs"));
  const gateway = await startGateway(
    join(distFolder, "server.js"),
    {
      KEYS_FILE: keysFile,
      STATE_FILE: join(scratch, "state.json"),
      GEMINI_BASE_URL: `http://127.0.0.1:${fake.target.port}`,
      LOG_LEVEL: option("--log-level", "warn"),
      WATCH_KEYS_FILE: "false",
    },
    { nodeArguments: ["--cpu-prof", `--cpu-prof-dir=${profileFolder}`, "--cpu-prof-interval=200"] },
  );
  const workloads = await buildWorkloads(distFolder);
  const generator = wrkVersion() ? "wrk" : "autocannon";
  let figures;
  switch (scenario) {
    case "requests":
    case "agent": {
      const call = scenario === "agent" ? workloads.agent.openai : workloads.small.openai;
      figures = await measureThroughput(gateway.target, call, {
        seconds,
        connections: 16,
        generator,
        scriptFolder: scratch,
        name: "profile",
      });
      break;
    }
    case "first-token":
      figures = await measureFirstToken(gateway.target, workloads.shortStream.openai, {
        count: 100_000,
        seconds,
      });
      break;
    case "streams":
      figures = await measurePacedStreams(gateway.target, workloads.pacedStream.openai, {
        streams: 256,
        expectedChunks: 64,
        paceMs: 20,
        spreadMs: 500,
        lateAfterMs: 20,
        timeoutMs: 30_000,
        expectDone: true,
      });
      break;
    case "burst":
      // 512 light streams opened within 200 ms: the cost of starting a stream on a new connection.
      figures = await measurePacedStreams(
        gateway.target,
        {
          path: "/v1/chat/completions",
          body: JSON.stringify({
            model: "gemini-2.5-flash-c4-p500-t",
            stream: true,
            messages: [{ role: "user", content: "Say hi" }],
          }),
        },
        {
          streams: 512,
          expectedChunks: 4,
          paceMs: 500,
          spreadMs: 200,
          lateAfterMs: 20,
          timeoutMs: 30_000,
          expectDone: true,
        },
      );
      break;
    default:
      throw new Error(`unknown scenario ${scenario}: use requests, agent, streams, burst or first-token`);
  }
  const rss = rssMb(gateway.pid);
  await stopProcess(gateway.child, 20_000);
  await stopProcess(fake.child);
  const [file] = readdirSync(profileFolder).filter((name) => name.endsWith(".cpuprofile"));
  if (!file) throw new Error("the gateway wrote no profile");
  const resultsFolder = join(here, "results");
  mkdirSync(resultsFolder, { recursive: true });
  const kept = join(
    resultsFolder,
    // `.json`, so git ignores it with the other results; Chrome DevTools and speedscope open it as is.
    `profile-${scenario}-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile.json`,
  );
  renameSync(join(profileFolder, file), kept);
  rmSync(scratch, { recursive: true, force: true });

  console.log(`scenario ${scenario}, ${seconds} s; gateway RSS at the end ${rss?.toFixed(1)} MB`);
  console.log(JSON.stringify({ ...figures, runs: undefined }).slice(0, 600));
  printSummary(
    summarizeProfile(JSON.parse(readFileSync(kept, "utf8")), {
      distUrl: `${pathToFileURL(distFolder).href}/`,
    }),
  );
  console.log(`\nprofile: ${relative(root, kept)}`);
}

main().catch((error) => {
  console.error(error);
  stopAll();
  process.exit(1);
});
