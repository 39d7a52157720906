/**
 * The real Codex CLI 0.169.0 (`codex exec`) configured as the README says, driving the BUILT gateway in
 * front of the fake Gemini: a plain answer, a turn where the model runs a harmless command and answers
 * from its output, on Gemini 2.5 and (through MODEL_ALIASES, under Codex's own model name) Gemini 3,
 * whose tool loops need their thought signatures back; a resumed session; keys resting underneath.
 * Skipped, with a warning, when the CLI cannot be installed (scripts/install-codex.sh needs the npm
 * registry once).
 */
import { geminiErrors, reply } from "../fake-gemini/index.js";
import { type CodexSession, hasCodexCli, startCodexSession } from "../support/codex-cli.js";
import {
  ACCESS_TOKEN,
  E2E_KEYS,
  type E2eEnvironment,
  generateRequests,
  lastGeminiBody,
  startEnvironment,
} from "../support/e2e-environment.js";

const installed = hasCodexCli();
if (!installed) {
  console.warn(
    "The Codex CLI is not installed: its end-to-end tests cannot run (bash scripts/install-codex.sh)",
  );
}

const CODEX_TEST_TIMEOUT_MS = 120_000;
const GEMINI_3 = "gemini-3-flash-preview";

(installed ? describe : describe.skip)("Codex CLI on the key pool", () => {
  let env: E2eEnvironment;
  const sessions: CodexSession[] = [];
  const session = async (model: string) => {
    const started = await startCodexSession({ gatewayUrl: env.url, token: ACCESS_TOKEN, model });
    sessions.push(started);
    return started;
  };

  beforeAll(async () => {
    env = await startEnvironment({ env: { MODEL_ALIASES: "gpt-5*=gemini-3-flash-preview" } });
  });
  afterAll(async () => {
    await env?.stop();
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((started) => started.close()));
    await env.reset();
  });

  /** The tool outputs (functionResponse bodies) in the latest Gemini request, as text. */
  const lastToolOutputs = () =>
    JSON.stringify(
      (lastGeminiBody(env.fake).contents as Array<{ parts: Array<Record<string, unknown>> }>)
        .flatMap((content) => content.parts)
        .filter((part) => part.functionResponse !== undefined),
    );

  test(
    "a plain answer on Gemini 2.5",
    async () => {
      env.fake.enqueue(reply.text("Hello from Gemini through the key pool."));
      const codex = await session("gemini-2.5-flash");
      const run = await codex.run("Say hello.");
      expect({ exitCode: run.exitCode, messages: run.messages }).toEqual({
        exitCode: 0,
        messages: ["Hello from Gemini through the key pool."],
      });
      expect(generateRequests(env.fake).map((request) => [request.model, request.action])).toEqual([
        ["gemini-2.5-flash", "streamGenerateContent"],
      ]);
    },
    CODEX_TEST_TIMEOUT_MS,
  );

  test(
    "a tool turn on Gemini 2.5: the model runs a command and answers from its output",
    async () => {
      env.fake.enqueue(
        reply.functionCalls([{ name: "exec_command", args: { cmd: "echo codex-harness-$((6*7))" } }]),
      );
      env.fake.enqueue(reply.text("The command printed codex-harness-42."));
      const codex = await session("gemini-2.5-flash");
      const run = await codex.run("Run the harness command.");
      expect(run.exitCode).toBe(0);
      expect(run.commands).toEqual([
        expect.objectContaining({
          command: expect.stringContaining("echo codex-harness"),
          output: "codex-harness-42\n",
          exitCode: 0,
        }),
      ]);
      expect(lastToolOutputs()).toContain("codex-harness-42");
      expect(run.messages.at(-1)).toBe("The command printed codex-harness-42.");
    },
    CODEX_TEST_TIMEOUT_MS,
  );

  test(
    "a tool turn on Gemini 3 under Codex's own model name, then a resumed session: signatures make it through",
    async () => {
      env.fake.enqueue(
        reply.functionCalls([{ name: "exec_command", args: { cmd: "echo first-$((1+1))" } }]),
        { model: GEMINI_3 },
      );
      env.fake.enqueue(reply.text("First turn done: first-2."), { model: GEMINI_3 });
      const codex = await session("gpt-5-codex");
      const first = await codex.run("Run the first command.");
      expect(first.exitCode).toBe(0);
      expect(first.commands.map((command) => command.output)).toEqual(["first-2\n"]);
      expect(first.messages.at(-1)).toBe("First turn done: first-2.");

      const requests = generateRequests(env.fake);
      expect(requests.map((request) => [request.model, request.status])).toEqual([
        [GEMINI_3, 200],
        [GEMINI_3, 200],
      ]);
      const replayedStep = lastGeminiBody(env.fake).contents.find(
        (content: { role: string }) => content.role === "model",
      );
      expect(replayedStep?.parts[0]?.thoughtSignature).toEqual(expect.any(String));
      expect(replayedStep?.parts[0]?.thoughtSignature).not.toBe("skip_thought_signature_validator");

      env.fake.enqueue(
        reply.functionCalls([{ name: "exec_command", args: { cmd: "echo second-$((2+1))" } }]),
        { model: GEMINI_3 },
      );
      env.fake.enqueue(reply.text("Second turn done: second-3."), { model: GEMINI_3 });
      const second = await codex.run("Now the second command.", { resume: true });
      expect(second.exitCode).toBe(0);
      expect(second.commands.map((command) => command.output)).toEqual(["second-3\n"]);
      expect(second.messages.at(-1)).toBe("Second turn done: second-3.");
      const history = JSON.stringify(generateRequests(env.fake).at(-1)?.body);
      expect(history).toContain("First turn done: first-2.");
      expect(generateRequests(env.fake).every((request) => request.status === 200)).toBe(true);
    },
    CODEX_TEST_TIMEOUT_MS,
  );

  test(
    "keys rest underneath: a rate-limited key and a spent one are passed over, Codex never notices",
    async () => {
      const [alpha, bravo, charlie] = E2E_KEYS;
      env.fake.enqueue(geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: 30 }), {
        key: alpha,
      });
      env.fake.enqueue(geminiErrors.quotaPerDay({ model: "gemini-2.5-flash" }), { key: bravo });
      env.fake.enqueue(reply.text("Answered by the last key standing."), { key: charlie });
      const codex = await session("gemini-2.5-flash");
      const run = await codex.run("Anyone there?");
      expect(run.exitCode).toBe(0);
      expect(run.messages).toEqual(["Answered by the last key standing."]);
      expect(generateRequests(env.fake).map((request) => [request.key, request.status])).toEqual([
        [alpha, 429],
        [bravo, 429],
        [charlie, 200],
      ]);
    },
    CODEX_TEST_TIMEOUT_MS,
  );

  test(
    "every key resting for a moment: the gateway's 429 and Retry-After make Codex wait, then it is answered",
    async () => {
      for (const key of E2E_KEYS) {
        env.fake.enqueue(geminiErrors.rateLimitPerMinute({ model: "gemini-2.5-flash", retryDelay: 1 }), {
          key,
        });
      }
      env.fake.enqueue(reply.text("Worth the wait."));
      const codex = await session("gemini-2.5-flash");
      const run = await codex.run("Hello?");
      expect(run.exitCode).toBe(0);
      expect(run.messages).toEqual(["Worth the wait."]);
      const statuses = generateRequests(env.fake).map((request) => request.status);
      expect(statuses.slice(0, 3)).toEqual([429, 429, 429]);
      expect(statuses.at(-1)).toBe(200);
    },
    CODEX_TEST_TIMEOUT_MS,
  );
});
