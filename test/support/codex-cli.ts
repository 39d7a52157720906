/**
 * The real Codex CLI (`codex exec`, pinned in scripts/install-codex.sh) pointed at a gateway as a user
 * would: a `model_provider` in `config.toml` whose `base_url` is the gateway's `/v1`
 * and whose `env_key` names the variable holding the gateway's token. Each session gets its own home
 * and work folder; nothing leaves loopback.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const binary = join(root, ".tools", "codex", "node_modules", ".bin", "codex");

export const CODEX_VERSION = "0.169.0";
/** The variable `config.toml` names in `env_key`. */
const TOKEN_VARIABLE = "GEMINI_ROTATOR_TOKEN";

const INSTALL_TIMEOUT_MS = 300_000;

/**
 * Whether the CLI is there, installing it first when it is missing (a download of about 400 MB, once per
 * checkout); false when it cannot be installed (no registry), so the tests can skip with a warning.
 * Synchronous, so a test file can choose `describe` or `describe.skip` when it loads.
 */
export function hasCodexCli(): boolean {
  try {
    execFileSync("bash", [join(root, "scripts", "install-codex.sh")], {
      stdio: ["ignore", "ignore", "inherit"],
      timeout: INSTALL_TIMEOUT_MS,
    });
  } catch {
    return false;
  }
  return existsSync(binary);
}

/** One line of `codex exec --json`. */
export interface CodexEvent {
  type: string;
  item?: {
    id: string;
    type: string;
    text?: string;
    command?: string;
    aggregated_output?: string;
    exit_code?: number | null;
    message?: string;
  };
  usage?: Record<string, number>;
  error?: { message: string };
  message?: string;
}

export interface CodexRun {
  exitCode: number | null;
  events: CodexEvent[];
  stderr: string;
  /** The agent's messages, in order. */
  messages: string[];
  /** The commands it ran, with their output. */
  commands: Array<{ command: string; output: string; exitCode: number | null | undefined }>;
}

export interface CodexSession {
  /** Runs `codex exec` (or `codex exec resume --last` to continue the last session) with the prompt. */
  run(prompt: string, options?: { resume?: boolean; model?: string; timeoutMs?: number }): Promise<CodexRun>;
  /** The folder the agent works in. */
  workdir: string;
  close(): Promise<void>;
}

/** The `config.toml` a user writes (README, "Codex CLI"), here with a fixed test token's variable. */
export function codexConfig(gatewayUrl: string, model: string): string {
  return [
    `model = "${model}"`,
    `model_provider = "gemini-rotator"`,
    "",
    "[model_providers.gemini-rotator]",
    `name = "gemini-rotator"`,
    `base_url = "${gatewayUrl}/v1"`,
    `env_key = "${TOKEN_VARIABLE}"`,
    `wire_api = "responses"`,
    "",
  ].join("\n");
}

export async function startCodexSession(options: {
  gatewayUrl: string;
  token: string;
  model: string;
}): Promise<CodexSession> {
  const folder = await mkdtemp(join(tmpdir(), "codex-session-"));
  const home = join(folder, "home");
  const codexHome = join(home, ".codex");
  const workdir = join(folder, "work");
  await mkdir(codexHome, { recursive: true });
  await mkdir(workdir, { recursive: true });
  await writeFile(join(codexHome, "config.toml"), codexConfig(options.gatewayUrl, options.model));

  return {
    workdir,
    run: (prompt, runOptions = {}) => {
      const args = ["exec"];
      if (runOptions.resume) args.push("resume", "--last");
      args.push("--skip-git-repo-check", "--json");
      if (runOptions.model) args.push("-m", runOptions.model);
      args.push(prompt);
      return runCodex(args, {
        cwd: workdir,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: home,
          CODEX_HOME: codexHome,
          [TOKEN_VARIABLE]: options.token,
        },
        timeoutMs: runOptions.timeoutMs ?? 60_000,
      });
    },
    close: () => rm(folder, { recursive: true, force: true }),
  };
}

function runCodex(
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs: number },
): Promise<CodexRun> {
  return new Promise((resolve, reject) => {
    // stdin is /dev/null: `codex exec` otherwise waits to read more of the prompt from it.
    const child = spawn(binary, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `codex ${args.join(" ")} did not finish within ${options.timeoutMs} ms:\n${stdout}\n${stderr}`,
        ),
      );
    }, options.timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (exitCode) => {
      clearTimeout(timer);
      const events = stdout
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as CodexEvent);
      const completed = events.flatMap((event) =>
        event.type === "item.completed" && event.item ? [event.item] : [],
      );
      resolve({
        exitCode,
        events,
        stderr,
        messages: completed.flatMap((item) =>
          item.type === "agent_message" && item.text !== undefined ? [item.text] : [],
        ),
        commands: completed.flatMap((item) =>
          item.type === "command_execution"
            ? [
                {
                  command: item.command ?? "",
                  output: item.aggregated_output ?? "",
                  exitCode: item.exit_code,
                },
              ]
            : [],
        ),
      });
    });
  });
}
