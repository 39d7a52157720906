/**
 * No Docker engine runs here, so this test replays what the image build does: it reads the Dockerfile,
 * copies into a temporary folder exactly the files its COPY lines name (minus what .dockerignore keeps
 * out of the build context), runs its RUN commands (npm ci, the build), starts its CMD with a keys file
 * where the compose file mounts it and the fake Gemini as upstream, and runs its HEALTHCHECK command.
 * It also checks the promises the files make: non-root user, port, .dockerignore, compose mounts.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../src/config.js";
import { startFakeGemini } from "../fake-gemini/index.js";
import type { FakeGemini } from "../fake-gemini/types.js";
import { type SpawnedGateway, spawnGateway } from "../support/built-server.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const KEYS = ["fake-key-alpha-0001", "fake-key-bravo-0002"];

// ---- Reading the Dockerfile ------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  /** `--from=build`, `--mount=…`, `--interval=30s`: the flags before the arguments. */
  flags: Record<string, string>;
  /** The rest of the line, flags removed. */
  argument: string;
}

interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

function parseDockerfile(text: string): Stage[] {
  const logical = text
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const stages: Stage[] = [];
  for (const line of logical) {
    const [keyword = "", ...restParts] = line.split(/\s+/);
    let rest = restParts.join(" ");
    const flags: Record<string, string> = {};
    for (;;) {
      const flag = rest.match(/^--([\w-]+)=(\S+)\s*/);
      if (!flag) break;
      flags[flag[1] as string] = flag[2] as string;
      rest = rest.slice(flag[0].length);
    }
    const instruction = { keyword: keyword.toUpperCase(), flags, argument: rest };
    if (instruction.keyword === "FROM") {
      const [image = "", as, name] = rest.split(/\s+/);
      stages.push({
        image,
        name: as?.toUpperCase() === "AS" && name ? name : String(stages.length),
        instructions: [],
      });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`${keyword} before FROM`);
    stage.instructions.push(instruction);
  }
  return stages;
}

/** `KEY=value KEY2="value 2"` (the only ENV form this project uses). */
function parseEnv(argument: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of argument.matchAll(/([A-Za-z_][\w]*)=("([^"]*)"|\S*)/g)) {
    env[match[1] as string] = match[3] ?? (match[2] as string);
  }
  return env;
}

/** The exec form `["node", "…"]`; the shell form would put a shell between Docker's signals and node. */
function execForm(argument: string): string[] {
  const parsed = JSON.parse(argument) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === "string")) {
    throw new Error(`not an exec-form array: ${argument}`);
  }
  return parsed;
}

// ---- .dockerignore, as Docker reads it -------------------------------------------------------------

function dockerignoreMatcher(text: string): (path: string) => boolean {
  const rules = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const negated = line.startsWith("!");
      const pattern = posix
        .normalize((negated ? line.slice(1) : line).replace(/^\/+/, ""))
        .replace(/\/+$/, "");
      const source = pattern
        .split("/")
        .map((segment) =>
          segment === "**"
            ? ".*"
            : segment
                .replace(/[.+^${}()|[\]\\]/g, "\\$&")
                .replace(/\*/g, "[^/]*")
                .replace(/\?/g, "[^/]"),
        )
        .join("/");
      return { negated, regex: new RegExp(`^${source}$`) };
    });
  return (path: string) => {
    const parts = path.split("/");
    // A pattern that matches a parent folder keeps the whole folder out.
    const candidates = parts.map((_, index) => parts.slice(0, index + 1).join("/"));
    let ignored = false;
    for (const rule of rules) {
      if (candidates.some((candidate) => rule.regex.test(candidate))) ignored = !rule.negated;
    }
    return ignored;
  };
}

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split("\\").join("/"));
}

// ---- The replay ------------------------------------------------------------------------------------

/** Commands that only make sense inside the image (its users); everything else in RUN is replayed. */
const IMAGE_ONLY = [/^chown\s/, /^chmod\s/];

interface Replayed {
  stages: Stage[];
  /** The folder each stage's WORKDIR became. */
  folders: Record<string, string>;
  env: Record<string, string>;
  skipped: string[];
  copied: string[];
}

async function replay(
  stages: Stage[],
  workspace: string,
  ignored: (path: string) => boolean,
): Promise<Replayed> {
  const folders: Record<string, string> = {};
  const skipped: string[] = [];
  const copied: string[] = [];
  let env: Record<string, string> = {};
  for (const stage of stages) {
    const folder = join(workspace, stage.name);
    folders[stage.name] = folder;
    await mkdir(folder, { recursive: true });
    let workdir = "/";
    env = {};
    /** An image path under the WORKDIR, as a path in this stage's folder. */
    const inStage = (imagePath: string, stageFolder = folder, stageWorkdir = workdir) => {
      const absolute = posix.resolve(stageWorkdir, imagePath);
      const inside = posix.relative(stageWorkdir, absolute);
      if (inside.startsWith("..")) throw new Error(`${imagePath} is outside WORKDIR ${stageWorkdir}`);
      return join(stageFolder, inside);
    };
    for (const { keyword, flags, argument } of stage.instructions) {
      switch (keyword) {
        case "WORKDIR":
          workdir = argument;
          break;
        case "ENV":
          env = { ...env, ...parseEnv(argument) };
          break;
        case "COPY": {
          const parts = argument.split(/\s+/);
          const destination = parts.pop() as string;
          for (const source of parts) {
            if (flags.from) {
              const fromStage = stages.find((candidate) => candidate.name === flags.from);
              const fromWorkdir =
                fromStage?.instructions.find((item) => item.keyword === "WORKDIR")?.argument ?? "/";
              const fromFolder = folders[flags.from];
              if (!fromFolder) throw new Error(`COPY --from=${flags.from}: no such stage before`);
              await cp(inStage(source, fromFolder, fromWorkdir), inStage(destination), { recursive: true });
              continue;
            }
            const sourcePath = join(root, source);
            // A folder's contents go into the destination; files go into it when it ends with "/".
            const isFolder = (await stat(sourcePath)).isDirectory();
            const files = isFolder ? await listFiles(sourcePath) : [source];
            for (const file of files) {
              if (ignored(file)) continue;
              const target = isFolder
                ? join(inStage(destination), posix.relative(source, file))
                : destination.endsWith("/") || parts.length > 1
                  ? join(inStage(destination), posix.basename(file))
                  : inStage(destination);
              await mkdir(dirname(target), { recursive: true });
              await cp(join(root, file), target);
              copied.push(`${stage.name}:${file}`);
            }
          }
          break;
        }
        case "RUN": {
          for (const command of argument.split(/\s*&&\s*/)) {
            if (IMAGE_ONLY.some((pattern) => pattern.test(command))) {
              skipped.push(command);
              continue;
            }
            const result = spawnSync("sh", ["-c", command], {
              cwd: inStage("."),
              env: {
                ...process.env,
                ...env,
                PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
                // The host's npm cache stands in for the build's cache mount.
                npm_config_prefer_offline: "true",
                npm_config_update_notifier: "false",
              },
              encoding: "utf8",
              timeout: 240_000,
            });
            if (result.status !== 0) {
              throw new Error(
                `RUN ${command} failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
              );
            }
          }
          break;
        }
        default:
          break;
      }
    }
  }
  return { stages, folders, env, skipped, copied };
}

// ---- The tests -------------------------------------------------------------------------------------

describe("the Docker image, replayed without Docker", () => {
  let dockerfile: Stage[];
  let replayed: Replayed;
  let workspace: string;
  let fake: FakeGemini;
  let gateway: SpawnedGateway | undefined;
  let runtimeEnv: Record<string, string>;
  let ignored: (path: string) => boolean;

  const runtime = () => dockerfile.at(-1) as Stage;
  const last = (keyword: string) =>
    runtime()
      .instructions.filter((item) => item.keyword === keyword)
      .at(-1);
  /** The image's paths (/app/…) as paths in the replayed runtime folder. */
  const hostPath = (value: string) => {
    const workdir = last("WORKDIR")?.argument ?? "/";
    return value.startsWith(`${workdir}/`)
      ? join(replayed.folders[runtime().name] as string, value.slice(workdir.length + 1))
      : value;
  };

  beforeAll(async () => {
    dockerfile = parseDockerfile(await readFile(join(root, "Dockerfile"), "utf8"));
    ignored = dockerignoreMatcher(await readFile(join(root, ".dockerignore"), "utf8"));
    workspace = await mkdtemp(join(tmpdir(), "gemini-rotator-image-"));
    replayed = await replay(dockerfile, workspace, ignored);
    fake = await startFakeGemini({ keys: KEYS });
    runtimeEnv = Object.fromEntries(
      Object.entries(replayed.env).map(([name, value]) => [name, hostPath(value)]),
    );
    // Where docker-compose.yml mounts ./keys.txt.
    await writeFile(
      runtimeEnv.KEYS_FILE as string,
      `# mounted read-only by docker compose\n${KEYS.join("\n")}\n`,
    );
    gateway = await spawnGateway({
      command: execForm(last("CMD")?.argument ?? "[]"),
      cwd: replayed.folders[runtime().name] as string,
      env: { ...runtimeEnv, GEMINI_BASE_URL: fake.url },
    });
  }, 300_000);

  afterAll(async () => {
    await gateway?.stop(2000);
    await fake?.close();
    if (workspace) await rm(workspace, { recursive: true, force: true });
  });

  test("two stages on node:24-alpine: build with dev dependencies, run with production ones", () => {
    expect(dockerfile.map((stage) => stage.image)).toEqual(["node:24-alpine", "node:24-alpine"]);
    const runs = (stage: Stage) =>
      stage.instructions.filter((item) => item.keyword === "RUN").map((item) => item.argument);
    const [build, run] = dockerfile as [Stage, Stage];
    expect(runs(build)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^npm ci(?!.*--omit=dev)/), "npm run build"]),
    );
    expect(runs(run).some((command) => /^npm ci .*--omit=dev/.test(command))).toBe(true);
    expect(runs(run).some((command) => /npm run build|tsc/.test(command))).toBe(false);
    const runtimeFolder = replayed.folders[run.name] as string;
    expect(existsSync(join(runtimeFolder, "dist", "server.js"))).toBe(true);
    expect(existsSync(join(runtimeFolder, "node_modules", "express"))).toBe(true);
    for (const absent of [
      "node_modules/typescript",
      "node_modules/jest",
      "src",
      "test",
      "keys.txt.example",
      ".git",
    ]) {
      expect({ absent, exists: existsSync(join(runtimeFolder, absent)) }).toEqual({ absent, exists: false });
    }
  });

  test("only chown (about the image's users) was not replayed", () => {
    expect(replayed.skipped.every((command) => /^chown node:node /.test(command))).toBe(true);
  });

  test("it runs as a non-root user, exposes 7860 and its ENV defaults match the contract", () => {
    const user = last("USER")?.argument;
    expect(user).toBeDefined();
    expect(["root", "0", "0:0"]).not.toContain(user);
    const userIndex = runtime().instructions.findIndex((item) => item.keyword === "USER");
    const cmdIndex = runtime().instructions.findIndex((item) => item.keyword === "CMD");
    expect(userIndex).toBeLessThan(cmdIndex);
    expect(last("EXPOSE")?.argument).toBe("7860");
    const defaults = loadConfig({});
    expect(replayed.env).toMatchObject({
      PORT: String(defaults.port),
      HOST: defaults.host,
      LOG_LEVEL: defaults.logLevel,
      KEYS_FILE: "/app/keys.txt",
      STATE_FILE: "/app/data/state.json",
    });
  });

  test("CMD runs node directly (exec form), so SIGTERM reaches it", () => {
    const command = execForm(last("CMD")?.argument ?? "");
    expect(command[0]).toBe("node");
    expect(command.at(-1)).toBe("dist/server.js");
    // The same Node flags as `npm start`, so the image and the README's command behave alike.
    expect(command.slice(1, -1)).toEqual(["--max-semi-space-size=8"]);
  });

  test("the replayed image serves a chat completion with the mounted keys", async () => {
    const response = await fetch(`${gateway?.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "Say hi" }] }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).choices[0].message.content).toBe("Echo: Say hi");
    const health = (await (await fetch(`${gateway?.url}/health`)).json()) as any;
    expect(health).toMatchObject({ status: "healthy", totalKeys: 2, availableKeys: 2 });
  });

  test("HEALTHCHECK needs only node, and exits 0 while the gateway answers, 1 once it is gone", async () => {
    const healthcheck = last("HEALTHCHECK");
    expect(healthcheck?.argument).toMatch(/^CMD \[/);
    const command = execForm((healthcheck?.argument ?? "").replace(/^CMD\s+/, ""));
    expect(command[0]).toBe("node");
    expect(command.join(" ")).not.toMatch(/curl|wget/);
    const env = { ...runtimeEnv, PATH: process.env.PATH ?? "", PORT: String(gateway?.port) };
    const run = () =>
      spawnSync(process.execPath, command.slice(1), { env, encoding: "utf8", timeout: 15_000 }).status;
    expect(run()).toBe(0);

    // The container's stop: SIGTERM, exit 0, state saved in the data volume.
    expect(await gateway?.stop()).toEqual({ code: 0, signal: null });
    expect(run()).toBe(1);
    expect(existsSync(runtimeEnv.STATE_FILE as string)).toBe(true);
  });

  test(".dockerignore keeps secrets, state and local builds out of the build context", () => {
    for (const path of [
      "keys.txt",
      ".env",
      ".env.production",
      "data/state.json",
      "node_modules/express/package.json",
      ".git/HEAD",
      "dist/server.js",
      ".tools/node/bin/node",
      "coverage/index.html",
    ]) {
      expect({ path, ignored: ignored(path) }).toEqual({ path, ignored: true });
    }
    // What the Dockerfile copies is in the context, or the build would fail.
    expect(replayed.copied).toEqual(
      expect.arrayContaining(["build:package.json", "build:package-lock.json", "build:src/server.ts"]),
    );
    for (const copy of dockerfile
      .flatMap((stage) => stage.instructions)
      .filter((item) => item.keyword === "COPY" && !item.flags.from)) {
      for (const source of copy.argument.split(/\s+/).slice(0, -1)) {
        expect({ source, ignored: ignored(source) }).toEqual({ source, ignored: false });
      }
    }
  });

  test("docker-compose.yml builds it, mounts keys.txt read-only, keeps data/ in a volume, restarts it", async () => {
    const compose = await readFile(join(root, "docker-compose.yml"), "utf8");
    const lines = compose.split("\n").map((line) => line.replace(/\s+#.*$/, ""));
    const has = (pattern: RegExp) => lines.some((line) => pattern.test(line));
    expect(has(/^\s+build: \.$/)).toBe(true);
    expect(has(/^\s+- "7860:7860"$/)).toBe(true);
    expect(has(/^\s+- \.\/keys\.txt:\/app\/keys\.txt:ro$/)).toBe(true);
    const dataVolume = lines.map((line) => line.match(/^\s+- ([\w-]+):\/app\/data$/)?.[1]).find(Boolean);
    expect(dataVolume).toBeDefined();
    // A named volume, declared at the top level (not a bind mount that root would own).
    const topLevel = compose.slice(compose.search(/^volumes:$/m));
    expect(topLevel).toMatch(new RegExp(`^  ${dataVolume}:`, "m"));
    expect(compose).toMatch(/env_file:\n\s+- path: \.env\n\s+required: false/);
    expect(has(/^\s+restart: unless-stopped$/)).toBe(true);
    expect(compose).toMatch(/healthcheck:\n\s+test:\n\s+- CMD\n\s+- node\n/);
    // The compose healthcheck is the Dockerfile's.
    const dockerfileProbe = execForm((last("HEALTHCHECK")?.argument ?? "").replace(/^CMD\s+/, "")).at(
      -1,
    ) as string;
    expect(compose).toContain(JSON.stringify(dockerfileProbe));
  });
});
