import type { GeminiContent, GeminiPart, GeminiRole } from "../gemini/wire-types.js";

/**
 * The response sent for a call whose result the client never sent (an interrupted or rejected tool):
 * Gemini refuses a model turn with more functionCall parts than the next turn has functionResponses.
 */
const missingResultResponse = { error: "No result was provided for this tool call." };

interface PendingCall {
  id: string;
  geminiName: string;
}

/** The calls of one model step, waiting for their results. */
interface PendingResults {
  calls: PendingCall[];
  responses: Map<string, GeminiPart>;
  /** Media a tool returned (a screenshot), sent after the functionResponses. */
  extraParts: GeminiPart[];
}

/**
 * Gemini `contents` from a client's history, for any protocol whose history is a sequence of user input,
 * model steps with function calls, and tool results that name their call by id (OpenAI Chat `tool`
 * messages, OpenAI Responses items, Anthropic `tool_use` / `tool_result` blocks). It keeps Gemini's rules
 * in one place:
 * - the results answering one model step become ONE user content with a functionResponse per call, in
 *   the order of the calls (not of the results); a call left without a result gets an error response
 *   when the conversation goes on, since Gemini refuses a step with more calls than responses;
 * - a result whose call is not in the step just before (history trimmed by the client) becomes text, as
 *   Gemini cannot take a functionResponse without its call;
 * - consecutive contents of the same role are merged (turns alternate), and empty contents are dropped.
 */
export class GeminiHistory {
  private readonly contents: GeminiContent[] = [];
  private pending: PendingResults | undefined;

  /** User input (text, media). */
  addUser(parts: GeminiPart[]): void {
    this.flushResults(true);
    this.push("user", parts);
  }

  /**
   * One model step: its text and function-call parts in order, and the client's id of each call (in the
   * order of the functionCall parts), which the results will name.
   */
  addModelStep(parts: GeminiPart[], callIds: readonly string[]): void {
    this.flushResults(true);
    this.push("model", parts);
    const calls: PendingCall[] = [];
    let callPosition = 0;
    for (const part of parts) {
      if (part.functionCall === undefined) continue;
      const id = callIds[callPosition++];
      if (id !== undefined) calls.push({ id, geminiName: part.functionCall.name });
    }
    if (calls.length > 0) this.pending = { calls, responses: new Map(), extraParts: [] };
  }

  /**
   * A tool's result for a call of the model step just before: `response` becomes its functionResponse,
   * `media` (images a tool returned) follows the responses of that step. False, and nothing recorded,
   * when no call of that id waits for a result (history trimmed by the client, or a second result for
   * one call): the caller sends the result another way (`addToolResult` does it as text).
   */
  answer(callId: string, response: Record<string, unknown>, media: readonly GeminiPart[] = []): boolean {
    const pending = this.pending;
    const call = pending?.calls.find((candidate) => candidate.id === callId);
    if (pending === undefined || call === undefined || pending.responses.has(callId)) return false;
    pending.responses.set(callId, { functionResponse: { name: call.geminiName, response } });
    pending.extraParts.push(...media);
    return true;
  }

  /**
   * A result that names its function, not its call (OpenAI's legacy `function` messages): it answers
   * the first call of that name still without a result. False when there is none.
   */
  answerByName(geminiName: string, response: Record<string, unknown>): boolean {
    const pending = this.pending;
    const call = pending?.calls.find(
      (candidate) => candidate.geminiName === geminiName && !pending?.responses.has(candidate.id),
    );
    return call !== undefined && this.answer(call.id, response);
  }

  /**
   * A tool's result by call id (see `answer`); one that answers no waiting call becomes user text, as
   * Gemini cannot take a functionResponse without its call but the model can still read the result.
   */
  addToolResult(
    callId: string,
    result: { response: Record<string, unknown>; text: string; media?: readonly GeminiPart[] },
  ): void {
    const media = result.media ?? [];
    if (this.answer(callId, result.response, media)) return;
    this.addUser([{ text: orphanResultText(callId, result.text) }, ...media]);
  }

  /** The contents so far; the history is complete. */
  build(): GeminiContent[] {
    this.flushResults(false);
    return this.contents;
  }

  private push(role: GeminiRole, parts: GeminiPart[]): void {
    if (parts.length === 0) return;
    const last = this.contents.at(-1);
    if (last !== undefined && last.role === role) last.parts.push(...parts);
    else this.contents.push({ role, parts });
  }

  /** Closes the step's results; at the very end a step without any result is left as the last turn. */
  private flushResults(followedByMore: boolean): void {
    const group = this.pending;
    if (group === undefined) return;
    this.pending = undefined;
    if (group.responses.size === 0 && !followedByMore) return;
    const parts = group.calls.map(
      (call) =>
        group.responses.get(call.id) ?? {
          functionResponse: { name: call.geminiName, response: missingResultResponse },
        },
    );
    this.push("user", [...parts, ...group.extraParts]);
  }
}

/** What the model reads of a result whose call is not in the history. */
export function orphanResultText(callId: string, text: string): string {
  return `Result of tool call ${callId}:\n${text === "" ? "(empty)" : text}`;
}
