/**
 * The real Claude Code CLI (pinned in scripts/install-claude-code.sh), run headless against the gateway:
 * `claude -p <prompt> --output-format stream-json --verbose`, fully offline. Every run gets a fresh HOME
 * (no settings, credentials or history of the machine's user), no auto-update and no nonessential
 * traffic, and only the environment given here.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "./run-command.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const binary = join(
  root,
  ".tools",
  "claude-code",
  "node_modules",
  "@anthropic-ai",
  "claude-code",
  "bin",
  "claude.exe",
);
const INSTALL_TIMEOUT_MS = 300_000;

/**
 * The CLI's path, installing it first when it is missing (a download of about 370 MB, once per
 * checkout); undefined when it cannot be installed (no registry), so the tests can skip with a warning.
 * Synchronous, so a test file can choose `describe` or `describe.skip` when it loads.
 */
export function claudeCodeBinary(): string | undefined {
  try {
    execFileSync("bash", [join(root, "scripts", "install-claude-code.sh")], {
      stdio: ["ignore", "ignore", "inherit"],
      timeout: INSTALL_TIMEOUT_MS,
    });
  } catch {
    return undefined;
  }
  return existsSync(binary) ? binary : undefined;
}

export interface ClaudeCodeOptions {
  binary: string;
  /** The gateway's URL: `ANTHROPIC_BASE_URL`. */
  baseUrl: string;
  /** The gateway's ACCESS_TOKEN, as users give it: `ANTHROPIC_API_KEY` (sent as `x-api-key`). */
  apiKey: string;
  prompt: string;
  /** `ANTHROPIC_MODEL`; Claude Code's own default (a `claude-…` name) when absent. */
  model?: string;
  /** The working folder the agent sees. */
  workspace: string;
  /** `--allowedTools`: tools that run without a permission prompt (e.g. `Read`). */
  allowedTools?: string[];
  /** More environment (`ANTHROPIC_DEFAULT_HAIKU_MODEL`…). */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface ClaudeCodeRun {
  exitCode: number | null;
  /** Every stream-json line Claude Code printed, parsed. */
  events: any[];
  /** The final `{"type":"result"}` line. */
  result: any;
  /** The assistant messages Claude Code received, in order. */
  assistantMessages: any[];
  stderr: string;
}

/** Runs one headless turn and resolves when Claude Code exits (or is killed at the deadline). */
export async function runClaudeCode(options: ClaudeCodeOptions): Promise<ClaudeCodeRun> {
  const home = await mkdtemp(join(tmpdir(), "claude-code-home-"));
  const args = ["-p", options.prompt, "--output-format", "stream-json", "--verbose"];
  if (options.allowedTools !== undefined) args.push("--allowedTools", options.allowedTools.join(","));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    ANTHROPIC_BASE_URL: options.baseUrl,
    ANTHROPIC_API_KEY: options.apiKey,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    ...(options.model === undefined ? {} : { ANTHROPIC_MODEL: options.model }),
    ...options.env,
  };
  try {
    const {
      code: exitCode,
      stdout,
      stderr,
    } = await run(options.binary, args, {
      cwd: options.workspace,
      env,
      timeoutMs: options.timeoutMs ?? 90_000,
    });
    const events = stdout
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => {
        try {
          return JSON.parse(line);
        } catch {
          return { type: "unparsed", line };
        }
      });
    return {
      exitCode,
      events,
      result: events.findLast((event) => event.type === "result"),
      assistantMessages: events.filter((event) => event.type === "assistant").map((event) => event.message),
      stderr,
    };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
