/**
 * A newcomer's first hour: `./start.sh` goes from a clone to a working gateway on a machine whose own
 * Node.js is too old, and the built entry run under an old Node says so in one line instead of dying
 * inside undici. In a fresh clone (no dist/ at all) start.sh builds both the server and the console's
 * page, so /console answers the page rather than 503.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeGemini } from "../fake-gemini/index.js";
import { spawnGateway } from "../support/built-server.js";
import { postJson, request } from "../support/http.js";
import { run } from "../support/run-command.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const KEYS = ["fake-key-newcomer-0001"];

/** The machine's own Node.js when it is older than the gateway needs (Debian's is 20), else undefined. */
function oldSystemNode(): string | undefined {
  for (const candidate of ["/usr/bin/node", "/usr/local/bin/node"]) {
    if (!existsSync(candidate)) continue;
    const version = execFileSync(candidate, ["-p", "process.versions.node"], { encoding: "utf8" }).trim();
    const [major = 0, minor = 0] = version.split(".").map(Number);
    if (major < 22 || (major === 22 && minor < 19)) return candidate;
  }
  return undefined;
}

const oldNode = oldSystemNode();
if (!oldNode)
  console.warn("newcomer-start: no Node.js older than 22.19 on this machine; the old-Node tests are skipped");

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "gemini-rotator-newcomer-"));
  await writeFile(join(folder, "keys.txt"), `${KEYS.join("\n")}\n`);
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

(oldNode ? test : test.skip)(
  "the built entry under an old Node.js: one clear line, exit 1, no undici TypeError",
  async () => {
    const { code, stdout, stderr } = await run(oldNode ?? "node", [join(root, "dist", "main.js")], {
      cwd: folder,
      env: { PATH: "/usr/bin:/bin", KEYS_FILE: join(folder, "keys.txt"), PORT: "0" },
    });
    const output = `${stdout}${stderr}`;
    expect(code).toBe(1);
    expect(output.trim().split("\n")).toEqual([
      expect.stringMatching(
        /^gemini-rotator: Node\.js 22\.19 or newer is needed and this is v\d+.*\.\/start\.sh/,
      ),
    ]);
  },
);

/** The newcomer's shell: only the system's directories, whose `node` may be too old. */
const SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin";

/** `bash <checkout>/start.sh`, run from `cwd` in front of the fake Gemini, with the keys file of `folder`. */
function runStartSh(options: {
  checkout: string;
  cwd: string;
  path: string;
  geminiUrl: string;
  stateFolder: string;
  startupTimeoutMs: number;
}) {
  return spawnGateway({
    command: ["bash", join(options.checkout, "start.sh")],
    cwd: options.cwd,
    env: {
      PATH: options.path,
      HOME: process.env.HOME ?? folder,
      HOST: "127.0.0.1",
      KEYS_FILE: join(folder, "keys.txt"),
      STATE_FILE: join(options.stateFolder, "state.json"),
      GEMINI_BASE_URL: options.geminiUrl,
      WATCH_KEYS_FILE: "false",
      SHUTDOWN_TIMEOUT_MS: "2000",
    },
    startupTimeoutMs: options.startupTimeoutMs,
  });
}

/** A chat request answers 200 with the fake Gemini's echo of it. */
async function expectAChatAnswer(gatewayUrl: string): Promise<void> {
  const answer = await postJson(`${gatewayUrl}/v1/chat/completions`, {
    model: "gemini-2.5-flash",
    messages: [{ role: "user", content: "hello from a fresh clone" }],
  });
  expect(answer.status).toBe(200);
  expect(answer.json.choices[0].message.content).toContain("hello from a fresh clone");
}

test("./start.sh starts a working gateway, with this machine's own Node.js first on PATH", async () => {
  const fake = await startFakeGemini({ keys: KEYS });
  const gateway = await runStartSh({
    checkout: root,
    cwd: folder,
    path: SYSTEM_PATH,
    geminiUrl: fake.url,
    stateFolder: join(folder, "data"),
    startupTimeoutMs: 180_000,
  });
  try {
    await expectAChatAnswer(gateway.url);
  } finally {
    const outcome = await gateway.stop();
    await fake.close();
    expect(outcome).toEqual({ code: 0, signal: null });
  }
}, 240_000);

/** Whether the repository is a git checkout with a commit (a source tarball is not): the fresh clone is HEAD. */
function hasGitHead(): boolean {
  try {
    execFileSync("git", ["rev-parse", "--verify", "HEAD"], { cwd: root, stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const gitHead = hasGitHead();
if (!gitHead) console.warn("newcomer-start: not a git checkout; the fresh-clone test is skipped");

/**
 * HEAD's tracked files as a clone has them (no dist/, no node_modules/), in `folder`/clone. The
 * dependencies already installed here come in as a symlink, so nothing is downloaded: the copy's lock
 * file gets the installed modules' time, which start.sh's freshness check (`package-lock.json` newer
 * than `node_modules/.package-lock.json`) takes as "installed after the clone". Where this machine's
 * Node is too old, the repository's .tools/ (the Node 24 that scripts/use-node.sh installed) comes in
 * the same way, else use-node.sh would download it again.
 */
async function freshClone(parent: string): Promise<string> {
  const installed = join(root, "node_modules", ".package-lock.json");
  // Without it start.sh would run `npm ci`, which would empty the symlinked node_modules/ of this checkout.
  if (!existsSync(installed)) throw new Error(`${installed} is missing: run \`npm ci\` first`);
  const clone = join(parent, "clone");
  await mkdir(clone);
  const archive = join(parent, "head.tar");
  const steps: [string, string[]][] = [
    ["git", ["archive", "--format=tar", "-o", archive, "HEAD"]],
    ["tar", ["-xf", archive, "-C", clone]],
  ];
  for (const [program, args] of steps) {
    const { code, stderr } = await run(program, args, { cwd: root });
    if (code !== 0) throw new Error(`${program} ${args.join(" ")} failed (${code}): ${stderr}`);
  }
  await rm(archive);
  await symlink(join(root, "node_modules"), join(clone, "node_modules"));
  const { atime, mtime } = await stat(installed);
  await utimes(join(clone, "package-lock.json"), atime, mtime);
  if (existsSync(join(root, ".tools"))) await symlink(join(root, ".tools"), join(clone, ".tools"));
  return clone;
}

function consoleAssetPaths(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((match) => match[1] ?? "");
}

(gitHead ? test : test.skip)(
  "./start.sh in a fresh clone builds the server and the console: chat answers and /console is the page",
  async () => {
    const clone = await freshClone(folder);
    expect(existsSync(join(clone, "dist"))).toBe(false);
    const fake = await startFakeGemini({ keys: KEYS });
    const started = Date.now();
    const gateway = await runStartSh({
      checkout: clone,
      cwd: clone,
      // This very Node last, for a machine whose Node is old and that has no .tools/ to lend the clone.
      path: `${SYSTEM_PATH}:${dirname(process.execPath)}`,
      geminiUrl: fake.url,
      stateFolder: join(folder, "clone-data"),
      // A whole tsc build and a Vite build on a busy machine.
      startupTimeoutMs: 300_000,
    });
    console.info(`newcomer-start: the fresh clone built and answered /health in ${Date.now() - started} ms`);
    try {
      await expectAChatAnswer(gateway.url);
      const page = await request(`${gateway.url}/console`, { token: null });
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      expect(page.text).toContain("<title>gemini-rotator console</title>");
      const [script] = consoleAssetPaths(page.text).filter((path) => path.endsWith(".js"));
      expect(script).toBeDefined();
      const bundle = await request(`${gateway.url}${script}`, { token: null });
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get("content-type")).toMatch(/javascript/);
      expect(bundle.text.length).toBeGreaterThan(1000);
      // It built them itself, from the modules it was lent (no download).
      expect(gateway.logs).toContain("Building the console");
      expect(gateway.logs).not.toContain("Installing dependencies (npm ci)");
    } finally {
      const outcome = await gateway.stop();
      await fake.close();
      expect(outcome).toEqual({ code: 0, signal: null });
    }
  },
  420_000,
);
