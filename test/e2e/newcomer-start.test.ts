/**
 * A newcomer's first hour: `./start.sh` goes from a clone to a working gateway on a machine whose own
 * Node.js is too old, and the built entry run under an old Node says so in one line instead of dying
 * inside undici.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeGemini } from "../fake-gemini/index.js";
import { spawnGateway } from "../support/built-server.js";
import { postJson } from "../support/http.js";
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

test("./start.sh starts a working gateway, with this machine's own Node.js first on PATH", async () => {
  const fake = await startFakeGemini({ keys: KEYS });
  const gateway = await spawnGateway({
    command: ["bash", join(root, "start.sh")],
    cwd: folder,
    env: {
      // Only the system's directories: the newcomer's shell, whose `node` may be too old.
      PATH: "/usr/local/bin:/usr/bin:/bin",
      HOME: process.env.HOME ?? folder,
      HOST: "127.0.0.1",
      KEYS_FILE: join(folder, "keys.txt"),
      STATE_FILE: join(folder, "data", "state.json"),
      GEMINI_BASE_URL: fake.url,
      WATCH_KEYS_FILE: "false",
      SHUTDOWN_TIMEOUT_MS: "2000",
    },
    startupTimeoutMs: 180_000,
  });
  try {
    const answer = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: "gemini-2.5-flash",
      messages: [{ role: "user", content: "hello from a fresh clone" }],
    });
    expect(answer.status).toBe(200);
    expect(answer.json.choices[0].message.content).toContain("hello from a fresh clone");
  } finally {
    const outcome = await gateway.stop();
    await fake.close();
    expect(outcome).toEqual({ code: 0, signal: null });
  }
}, 240_000);
