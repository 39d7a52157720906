/**
 * Property: whatever sequence of chunks Gemini streams, the OpenAI chat stream written for it keeps the
 * invariants clients rely on, and says what Gemini said: per choice, the same text, the same reasoning
 * (or none when REASONING_OUTPUT=none), and the same tool calls in the same order.
 */
import fc from "fast-check";
import type { GeminiGenerateContentResponse } from "../../src/gemini/wire-types.js";
import type { OpenAIChatCompletionChunk } from "../../src/openai/types.js";
import { createChatStreamConverter } from "../../src/protocols/openai-chat/convert-gemini-stream.js";
import { createToolNameMap } from "../../src/translate/tool-name-map.js";
import { geminiStream } from "../support/arbitraries/gemini-stream.js";
import { assertChatChunkInvariants, runStream } from "../support/openai-chat-stream.js";

const ID = "chatcmpl-property";
const MODEL = "gemini-2.5-flash";

interface ChoiceSummary {
  content: string;
  reasoning: string;
  toolCalls: Array<{ name: string; arguments: string; signature?: string }>;
}

function emptySummary(): ChoiceSummary {
  return { content: "", reasoning: "", toolCalls: [] };
}

/** What Gemini said, per choice, read straight from the chunks. */
function summarizeGemini(chunks: readonly GeminiGenerateContentResponse[], showReasoning: boolean) {
  const choices = new Map<number, ChoiceSummary>();
  for (const chunk of chunks) {
    (chunk.candidates ?? []).forEach((candidate, position) => {
      const index = candidate.index ?? position;
      const summary = choices.get(index) ?? emptySummary();
      choices.set(index, summary);
      for (const part of candidate.content?.parts ?? []) {
        if (part.functionCall !== undefined) {
          summary.toolCalls.push({
            name: part.functionCall.name,
            arguments: JSON.stringify(part.functionCall.args ?? {}),
            ...(part.thoughtSignature ? { signature: part.thoughtSignature } : {}),
          });
        } else if (typeof part.text === "string") {
          if (part.thought !== true) summary.content += part.text;
          else if (showReasoning) summary.reasoning += part.text;
        }
      }
    });
  }
  return choices;
}

/** What the OpenAI stream says, per choice, read as a client puts it together. */
function summarizeOpenAI(chunks: readonly OpenAIChatCompletionChunk[]) {
  const choices = new Map<number, ChoiceSummary>();
  for (const chunk of chunks) {
    for (const choice of chunk.choices) {
      const summary = choices.get(choice.index) ?? emptySummary();
      choices.set(choice.index, summary);
      summary.content += choice.delta.content ?? "";
      summary.reasoning += choice.delta.reasoning_content ?? "";
      for (const toolCall of choice.delta.tool_calls ?? []) {
        const signature = toolCall.extra_content?.google.thought_signature;
        summary.toolCalls[toolCall.index] = {
          name: toolCall.function.name ?? "",
          arguments: toolCall.function.arguments ?? "",
          ...(signature ? { signature } : {}),
        };
      }
    }
  }
  return choices;
}

const settings = fc.record({
  includeUsage: fc.boolean(),
  reasoningOutput: fc.constantFrom("reasoning_content" as const, "none" as const),
});

test("any Gemini chunk sequence becomes a chat stream that keeps the invariants and the meaning", () => {
  fc.assert(
    fc.property(geminiStream, settings, (chunks, { includeUsage, reasoningOutput }) => {
      let toolCallCount = 0;
      const converter = createChatStreamConverter({
        id: ID,
        created: 1_767_225_600,
        model: MODEL,
        toolNames: createToolNameMap([]),
        reasoningOutput,
        includeUsage,
        newToolCallId: () => `call_${++toolCallCount}`,
      });
      const output = runStream(converter, chunks);
      assertChatChunkInvariants(output, { id: ID, model: MODEL, includeUsage });

      const expected = summarizeGemini(chunks, reasoningOutput === "reasoning_content");
      const written = summarizeOpenAI(output);
      for (const [index, summary] of expected) expect(written.get(index)).toEqual(summary);
      for (const [index, summary] of written) {
        if (!expected.has(index)) expect(summary).toEqual(emptySummary());
      }
    }),
    { numRuns: 500 },
  );
});
