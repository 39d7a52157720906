/**
 * The real Claude Code CLI (2.1.328, headless `claude -p`) against the BUILT gateway in front of the fake
 * Gemini, offline: what a user who points ANTHROPIC_BASE_URL at the gateway gets, on a Gemini 2.5 and a
 * Gemini 3 model, with keys resting underneath. Skipped, with a warning, when the CLI cannot be
 * installed (scripts/install-claude-code.sh needs the npm registry once).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DUMMY_THOUGHT_SIGNATURES, geminiErrors, reply } from "../fake-gemini/index.js";
import { type ClaudeCodeOptions, claudeCodeBinary, runClaudeCode } from "../support/claude-code.js";
import {
  ACCESS_TOKEN,
  E2E_KEYS,
  type E2eEnvironment,
  generateRequests,
  startEnvironment,
} from "../support/e2e-environment.js";

/** The MODEL_ALIASES line the README gives Claude Code users. */
const ALIASES = "claude-*haiku*=gemini-2.5-flash,claude-*=gemini-2.5-pro";
const MODELS = ["gemini-2.5-flash", "gemini-3-flash-preview"] as const;
const CLI_TIMEOUT_MS = 120_000;

const binary = claudeCodeBinary();
if (binary === undefined) {
  console.warn(
    "Claude Code could not be installed (scripts/install-claude-code.sh): its CLI tests are skipped.",
  );
}

let env: E2eEnvironment;
let workspace: string;

(binary === undefined ? describe.skip : describe)("the Claude Code CLI on the key pool", () => {
  beforeAll(async () => {
    env = await startEnvironment({ env: { MODEL_ALIASES: ALIASES } });
    workspace = await mkdtemp(join(tmpdir(), "claude-code-workspace-"));
    await writeFile(join(workspace, "note.txt"), "the secret word is pineapple\n");
  });
  afterAll(async () => {
    await env?.stop();
    if (workspace) await rm(workspace, { recursive: true, force: true });
  });
  afterEach(async () => {
    await env.reset();
  });

  /** One headless turn as a user runs it: `ANTHROPIC_BASE_URL` and `ANTHROPIC_API_KEY=$ACCESS_TOKEN`. */
  const claude = (prompt: string, options: Partial<ClaudeCodeOptions> = {}) =>
    runClaudeCode({
      binary: binary ?? "",
      baseUrl: env.url,
      apiKey: ACCESS_TOKEN,
      prompt,
      workspace,
      timeoutMs: CLI_TIMEOUT_MS,
      ...options,
    });

  /** The key the next request goes to answers 429 (it then rests): the gateway fails over to another. */
  const nextKeyRateLimited = (model: string) =>
    env.fake.enqueue(geminiErrors.rateLimitPerMinute({ model, retryDelay: 30 }));

  /** Status and key of every generation request, oldest first. */
  const attempts = () =>
    generateRequests(env.fake).map((request) => ({ status: request.status, key: request.key }));

  describe.each(MODELS)("on %s", (model) => {
    test("a plain answer", async () => {
      env.fake.enqueue(reply.text("Hello from the Gemini key pool."));
      const run = await claude("Say hello.", { model });
      expect({ exitCode: run.exitCode, isError: run.result?.is_error, result: run.result?.result }).toEqual({
        exitCode: 0,
        isError: false,
        result: "Hello from the Gemini key pool.",
      });
      const sent = generateRequests(env.fake);
      expect(sent.map((request) => [request.model, request.action])).toEqual([
        [model, "streamGenerateContent"],
      ]);
      expect(run.assistantMessages[0]?.model).toBe(model);
    });

    test("a streamed answer with thinking, while the first key tried rests", async () => {
      nextKeyRateLimited(model);
      env.fake.enqueue(
        reply.text(["Paris is ", "the capital ", "of France."], { thoughts: "**Recalling geography**" }),
      );
      const run = await claude("What is the capital of France?", { model });
      expect(run.exitCode).toBe(0);
      expect(run.result?.result).toBe("Paris is the capital of France.");
      const blocks = run.assistantMessages.flatMap((message) => message.content);
      expect(blocks).toContainEqual(
        expect.objectContaining({ type: "thinking", thinking: "**Recalling geography**" }),
      );
      expect(blocks).toContainEqual({ type: "text", text: "Paris is the capital of France." });
      // The first key tried answered 429 and another key served the turn.
      const [limited, served] = attempts();
      expect([limited?.status, served?.status]).toEqual([429, 200]);
      expect(served?.key).not.toBe(limited?.key);
    });

    test("a turn where the model reads a file with the Read tool and answers from its result", async () => {
      const notePath = join(workspace, "note.txt");
      nextKeyRateLimited(model);
      env.fake.enqueue(reply.functionCalls([{ name: "Read", args: { file_path: notePath } }]));
      nextKeyRateLimited(model);
      // No script for the second step: the fake's answer says what the function returned.
      const run = await claude("What is the secret word in note.txt?", { model, allowedTools: ["Read"] });
      expect(run.exitCode).toBe(0);
      expect(run.result?.is_error).toBe(false);
      expect(run.result?.result).toMatch(/^Function Read returned .*the secret word is pineapple/);

      const toolUse = run.assistantMessages
        .flatMap((message) => message.content)
        .find((block) => block.type === "tool_use");
      expect(toolUse).toMatchObject({
        name: "Read",
        id: expect.stringMatching(/^toolu_/),
        input: { file_path: notePath },
      });
      const toolResults = run.events
        .filter((event) => event.type === "user")
        .flatMap((event) => event.message.content)
        .filter((block) => block.type === "tool_result");
      expect(toolResults).toEqual([expect.objectContaining({ tool_use_id: toolUse.id })]);
      expect(JSON.stringify(toolResults[0].content)).toContain("the secret word is pineapple");

      // Each step was served after a failover; the second carried the call back with a real signature.
      expect(attempts().map((attempt) => attempt.status)).toEqual([429, 200, 429, 200]);
      const served = generateRequests(env.fake).filter((request) => request.status === 200);
      expect(served).toHaveLength(2);
      const secondBody = served[1]?.body as { contents: any[] };
      const replayedCall = secondBody.contents
        .flatMap((content: any) => content.parts)
        .find((part: any) => part.functionCall !== undefined);
      expect(replayedCall.functionCall).toEqual({ name: "Read", args: { file_path: notePath } });
      if (model.startsWith("gemini-3")) {
        expect(replayedCall.thoughtSignature).toEqual(expect.any(String));
        expect(DUMMY_THOUGHT_SIGNATURES.has(replayedCall.thoughtSignature)).toBe(false);
      }
    });
  });

  test("Claude Code's own model name, through MODEL_ALIASES; the answer names the model Claude Code asked for", async () => {
    env.fake.enqueue(reply.text("Served by Gemini."));
    const run = await claude("Hi.");
    expect(run.result?.result).toBe("Served by Gemini.");
    expect(generateRequests(env.fake).map((request) => request.model)).toEqual(["gemini-2.5-pro"]);
    expect(run.assistantMessages[0]?.model).toMatch(/^claude-/);
  });

  test("every key resting: Claude Code hears 429 with retry-after and, once a key is back, gets its answer", async () => {
    for (const key of E2E_KEYS) {
      env.fake.enqueue(geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: 1 }), {
        key,
      });
    }
    env.fake.enqueue(reply.text("Worth the wait."));
    const run = await claude("Hi.", { model: "gemini-2.5-flash" });
    expect(run.exitCode).toBe(0);
    expect(run.result?.result).toBe("Worth the wait.");
    const statuses = generateRequests(env.fake).map((request) => request.status);
    expect(statuses.slice(0, E2E_KEYS.length)).toEqual(E2E_KEYS.map(() => 429));
    expect(statuses.at(-1)).toBe(200);
    // Claude Code heard the 429 as a rate limit and waited before trying again.
    expect(run.events).toContainEqual(
      expect.objectContaining({
        type: "system",
        subtype: "api_retry",
        error_status: 429,
        error: "rate_limit",
      }),
    );
  });
});
