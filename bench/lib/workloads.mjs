/**
 * The requests the benchmark sends, and for each the same work sent straight to the fake: the Gemini
 * body the gateway itself would send, computed with the built translator so both sides carry the same
 * bytes upstream.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const MODEL = "gemini-2.5-flash";

/** What a one-line question looks like. */
function smallChat(model, stream) {
  return { model, messages: [{ role: "user", content: "Say hi" }], ...(stream ? { stream: true } : {}) };
}

/**
 * An agent's turn, the request an agent user actually sends all day: a long system prompt, tool
 * definitions, and a history of tool calls and results (about 40 KB, the size of a Cline or Roo Code
 * turn early in a task).
 */
function agentChat(model, stream) {
  const paragraph =
    "You are a careful software engineer working in the user's repository. Use the tools to read files " +
    "before editing them, keep changes small, run the tests after each change, and explain what you did. ";
  const tools = [
    "read_file",
    "write_to_file",
    "replace_in_file",
    "search_files",
    "list_files",
    "execute_command",
  ].map((name) => ({
    type: "function",
    function: {
      name,
      description: `${name.replace(/_/g, " ")}: ${paragraph.slice(0, 160)}`,
      parameters: {
        type: "object",
        properties: {
          path: { type: "string", description: "Path relative to the workspace root" },
          content: { type: "string", description: "The full content or the search/replace blocks" },
          recursive: { type: "boolean", description: "Whether to walk sub-folders" },
        },
        required: ["path"],
        additionalProperties: false,
      },
    },
  }));
  const messages = [{ role: "system", content: paragraph.repeat(110) }];
  for (let turn = 0; turn < 6; turn++) {
    messages.push({ role: "user", content: `Step ${turn}: ${paragraph.repeat(2)}` });
    messages.push({
      role: "assistant",
      content: null,
      tool_calls: [
        {
          id: `call_${turn}`,
          type: "function",
          function: { name: "read_file", arguments: JSON.stringify({ path: `src/module-${turn}.ts` }) },
        },
      ],
    });
    messages.push({
      role: "tool",
      tool_call_id: `call_${turn}`,
      content: `export function step${turn}() {\n${"  return compute(input, options);\n".repeat(40)}}\n`,
    });
  }
  messages.push({ role: "user", content: "Now summarize what changed." });
  return { model, messages, tools, ...(stream ? { stream: true } : {}) };
}

/**
 * Builds every workload: `{ name, openai: {path, body}, gemini: {path, body} }`. `gemini` is the
 * direct request to the fake, and also what the native route receives.
 */
export async function buildWorkloads(distFolder) {
  const importBuilt = (path) => import(pathToFileURL(join(distFolder, path)).href);
  const { parseChatCompletionRequest } = await importBuilt("openai/chat-request-schema.js");
  const { convertChatRequest } = await importBuilt("translate/convert-openai-request.js");

  const geminiBodyOf = (openAIRequest) =>
    JSON.stringify(
      convertChatRequest(parseChatCompletionRequest(openAIRequest), {
        thoughtSignatures: new Map(),
        remoteMedia: new Map(),
        reasoningOutput: "reasoning_content",
      }).body,
    );

  const workload = (name, openAIRequest) => {
    const model = openAIRequest.model;
    const action = openAIRequest.stream ? "streamGenerateContent?alt=sse" : "generateContent";
    return {
      name,
      model,
      openai: { path: "/v1/chat/completions", body: JSON.stringify(openAIRequest) },
      gemini: { path: `/v1beta/models/${model}:${action}`, body: geminiBodyOf(openAIRequest) },
    };
  };

  // The same one-line question on the Anthropic Messages and OpenAI Responses routes. Gemini receives
  // the same contents from each; the direct side of their comparison is `small.gemini`.
  const small = workload("small", smallChat(MODEL, false));
  small.anthropic = {
    path: "/v1/messages",
    body: JSON.stringify({ model: MODEL, max_tokens: 1024, messages: [{ role: "user", content: "Say hi" }] }),
  };
  // As a client sends it by default: the gateway stores the response (`store` defaults to true).
  small.responses = { path: "/v1/responses", body: JSON.stringify({ model: MODEL, input: "Say hi" }) };

  return {
    small,
    agent: workload("agent", agentChat(MODEL, false)),
    shortStream: workload("shortStream", smallChat(`${MODEL}-c8`, true)),
    pacedStream: workload("pacedStream", smallChat(`${MODEL}-c64-p20-t`, true)),
    // 64 stamped chunks written as fast as the fake can: a burst of streams that are not paced.
    fastStream: workload("fastStream", smallChat(`${MODEL}-c64-t`, true)),
  };
}
