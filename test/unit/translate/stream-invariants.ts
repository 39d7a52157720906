/**
 * The stream invariants S of ../shared/reference/clients.md §7, plus what the AI SDK's chunk schema and
 * Roo's tool-call tracker require, as one assertion over the chunks a converter wrote.
 */
import type { OpenAIChatCompletionChunk } from "../../../src/openai/types.js";

export interface InvariantOptions {
  id: string;
  model: string;
  includeUsage: boolean;
}

export function assertStreamInvariants(
  chunks: readonly OpenAIChatCompletionChunk[],
  options: InvariantOptions,
): void {
  const problems: string[] = [];
  const finishes = new Map<number, number>();
  const seenChoices = new Set<number>();
  const seenToolCalls = new Set<string>();
  const toolCallIds = new Set<string>();

  chunks.forEach((chunk, position) => {
    const where = `chunk ${position}`;
    if (chunk.id !== options.id) problems.push(`${where}: id ${chunk.id}`);
    if (chunk.object !== "chat.completion.chunk") problems.push(`${where}: object ${chunk.object}`);
    if (!Number.isInteger(chunk.created))
      problems.push(`${where}: created ${chunk.created} is not an integer`);
    if (chunk.model !== options.model) problems.push(`${where}: model ${chunk.model}`);
    if (!Array.isArray(chunk.choices)) problems.push(`${where}: choices is not an array`);
    if (chunk.usage !== undefined && chunk.usage !== null) {
      if (position !== chunks.length - 1) problems.push(`${where}: usage before the last chunk`);
      if (chunk.choices.length !== 0) problems.push(`${where}: the usage chunk has choices`);
      const usage = chunk.usage;
      if (usage.prompt_tokens + usage.completion_tokens !== usage.total_tokens) {
        problems.push(`${where}: prompt + completion != total`);
      }
    }
    for (const choice of chunk.choices) {
      if (typeof choice.index !== "number") problems.push(`${where}: choice without index`);
      const delta = choice.delta;
      if (!seenChoices.has(choice.index)) {
        seenChoices.add(choice.index);
        if (delta.role !== "assistant")
          problems.push(`${where}: first chunk of choice ${choice.index} has no role`);
      } else if (delta.role !== undefined) {
        problems.push(`${where}: role repeated on choice ${choice.index}`);
      }
      if (delta.content !== undefined && delta.content === "") problems.push(`${where}: empty content delta`);
      if (delta.reasoning_content !== undefined && delta.reasoning_content === "") {
        problems.push(`${where}: empty reasoning delta`);
      }
      if (finishes.has(choice.index))
        problems.push(`${where}: output after the finish of choice ${choice.index}`);
      if (choice.finish_reason !== null) finishes.set(choice.index, (finishes.get(choice.index) ?? 0) + 1);
      for (const toolCall of delta.tool_calls ?? []) {
        if (typeof toolCall.index !== "number") problems.push(`${where}: tool call without index`);
        if (typeof toolCall.function !== "object")
          problems.push(`${where}: tool call without function object`);
        const key = `${choice.index}/${toolCall.index}`;
        if (!seenToolCalls.has(key)) {
          seenToolCalls.add(key);
          if (!toolCall.id?.startsWith("call_"))
            problems.push(`${where}: first delta of call ${key} has no id`);
          if (toolCall.type !== "function") problems.push(`${where}: first delta of call ${key} has no type`);
          if (!toolCall.function.name) problems.push(`${where}: first delta of call ${key} has no name`);
          if (!toolCall.function.arguments) problems.push(`${where}: call ${key} has empty arguments`);
          if (toolCall.id !== undefined) {
            if (toolCallIds.has(toolCall.id)) problems.push(`${where}: repeated tool call id ${toolCall.id}`);
            toolCallIds.add(toolCall.id);
          }
        }
      }
    }
  });

  for (const index of seenChoices) {
    if (finishes.get(index) !== 1)
      problems.push(`choice ${index}: ${finishes.get(index) ?? 0} finish reasons`);
  }
  if (seenChoices.size === 0) problems.push("no choice at all");
  const usageChunks = chunks.filter((chunk) => chunk.usage !== undefined && chunk.usage !== null).length;
  if (usageChunks !== (options.includeUsage ? 1 : 0)) problems.push(`${usageChunks} usage chunks`);
  if (problems.length > 0) throw new Error(`stream invariants broken:\n${problems.join("\n")}`);
}

/** Feeds a chunk sequence to a fresh converter and returns everything it wrote, end included. */
export function runStream<
  T extends { push(chunk: C): OpenAIChatCompletionChunk[]; finish(): OpenAIChatCompletionChunk[] },
  C,
>(converter: T, chunks: readonly C[]): OpenAIChatCompletionChunk[] {
  const output: OpenAIChatCompletionChunk[] = [];
  for (const chunk of chunks) output.push(...converter.push(chunk));
  output.push(...converter.finish());
  return output;
}
