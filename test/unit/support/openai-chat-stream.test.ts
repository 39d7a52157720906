/**
 * The OpenAI chat stream invariants catch what clients choke on: a checker that lets a broken stream
 * pass would make every stream test (and the property tests) pass for nothing.
 */
import type { OpenAIChatCompletionChunk } from "../../../src/openai/types.js";
import { assertChatChunkInvariants } from "../../support/openai-chat-stream.js";

const OPTIONS = { id: "chatcmpl-1", model: "gemini-2.5-flash", includeUsage: true };

function chunk(choices: OpenAIChatCompletionChunk["choices"], usage?: OpenAIChatCompletionChunk["usage"]) {
  return {
    id: "chatcmpl-1",
    object: "chat.completion.chunk" as const,
    created: 1_700_000_000,
    model: "gemini-2.5-flash",
    choices,
    ...(usage === undefined ? {} : { usage }),
  };
}

function call(index: number, id?: string, name?: string, args = "{}") {
  return {
    index,
    ...(id === undefined ? {} : { id, type: "function" as const }),
    function: { ...(name === undefined ? {} : { name }), arguments: args },
  };
}

const USAGE = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };

/** A correct stream: text, two tool calls (the first continued), finish, usage. */
function validStream(): OpenAIChatCompletionChunk[] {
  return [
    chunk([{ index: 0, delta: { role: "assistant", content: "Hi" }, finish_reason: null }]),
    chunk([{ index: 0, delta: { tool_calls: [call(0, "call_a", "read", '{"pa')] }, finish_reason: null }]),
    chunk([
      { index: 0, delta: { tool_calls: [call(0, undefined, undefined, 'th":1}')] }, finish_reason: null },
    ]),
    chunk([{ index: 0, delta: { tool_calls: [call(1, "call_b", "list")] }, finish_reason: null }]),
    chunk([{ index: 0, delta: {}, finish_reason: "tool_calls" }]),
    chunk([], USAGE),
  ];
}

test("a correct stream passes", () => {
  expect(() => assertChatChunkInvariants(validStream(), OPTIONS)).not.toThrow();
});

test.each<[string, (chunks: OpenAIChatCompletionChunk[]) => void, RegExp]>([
  ["no role first", (chunks) => delete chunks[0]?.choices[0]?.delta.role, /has no role/],
  [
    "an empty content delta",
    (chunks) => chunks.splice(1, 0, chunk([{ index: 0, delta: { content: "" }, finish_reason: null }])),
    /empty content delta/,
  ],
  ["two finishes", (chunks) => chunks.splice(4, 0, chunks[4] as OpenAIChatCompletionChunk), /finish/],
  ["no finish", (chunks) => chunks.splice(4, 1), /0 finish reasons/],
  ["usage twice", (chunks) => chunks.push(chunk([], USAGE)), /usage/],
  [
    "usage that does not add up",
    (chunks) => chunks.splice(5, 1, chunk([], { ...USAGE, total_tokens: 6 })),
    /total/,
  ],
  [
    "a tool-call index that skips one",
    (chunks) => {
      const toolCalls = chunks[3]?.choices[0]?.delta.tool_calls;
      if (toolCalls?.[0]) toolCalls[0].index = 2;
    },
    /skips index 1/,
  ],
  [
    "a tool call without a name",
    (chunks) => delete chunks[3]?.choices[0]?.delta.tool_calls?.[0]?.function.name,
    /no name/,
  ],
  [
    "a repeated tool call id",
    (chunks) => {
      const toolCalls = chunks[3]?.choices[0]?.delta.tool_calls;
      if (toolCalls?.[0]) toolCalls[0].id = "call_a";
    },
    /repeated tool call id/,
  ],
  [
    "another model",
    (chunks) => chunks.splice(0, 1, { ...(chunks[0] as OpenAIChatCompletionChunk), model: "x" }),
    /model x/,
  ],
])("catches %s", (_what, breakIt, message) => {
  const chunks = validStream();
  breakIt(chunks);
  expect(() => assertChatChunkInvariants(chunks, OPTIONS)).toThrow(message);
});
