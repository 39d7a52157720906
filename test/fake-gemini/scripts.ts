/**
 * Scripted replies: one-shot ones consumed in FIFO order among those that match a request, and persistent
 * behaviours per key. A reply only answers requests it makes sense for (see `appliesTo`).
 */
import type { FakeAction, FakeReply, ReplyMatch } from "./types.js";

export interface ScriptLookup {
  key: string;
  model: string | undefined;
  action: FakeAction;
}

const GENERATION_ACTIONS: ReadonlySet<FakeAction> = new Set([
  "generateContent",
  "streamGenerateContent",
  "openai.chatCompletions",
]);
const NATIVE_GENERATION_ACTIONS: ReadonlySet<FakeAction> = new Set([
  "generateContent",
  "streamGenerateContent",
]);

/**
 * Content replies (text, function calls) answer generation requests only; raw chunks and mid-stream errors
 * only the native ones; errors, hangs and drops answer anything.
 */
export function appliesTo(reply: FakeReply, action: FakeAction): boolean {
  switch (reply.kind) {
    case "error":
    case "hang":
    case "drop":
      return true;
    case "delay":
      return appliesTo(reply.then, action);
    case "brokenBody":
      return action !== "streamGenerateContent";
    case "text":
    case "functionCalls":
      return GENERATION_ACTIONS.has(action);
    case "chunks":
    case "midStreamError":
      return NATIVE_GENERATION_ACTIONS.has(action);
  }
}

function matches(match: ReplyMatch, lookup: ScriptLookup): boolean {
  if (match.key !== undefined && match.key !== lookup.key) return false;
  if (match.model !== undefined && match.model !== lookup.model) return false;
  if (match.action === undefined) return true;
  return typeof match.action === "string"
    ? match.action === lookup.action
    : match.action.includes(lookup.action);
}

export class ScriptBook {
  #queue: Array<{ reply: FakeReply; match: ReplyMatch }> = [];
  readonly #keyBehaviors = new Map<string, FakeReply>();

  enqueue(reply: FakeReply, match: ReplyMatch = {}): void {
    this.#queue.push({ reply, match });
  }

  setKeyBehavior(key: string, reply: FakeReply | null): void {
    if (reply === null) this.#keyBehaviors.delete(key);
    else this.#keyBehaviors.set(key, reply);
  }

  pending(): number {
    return this.#queue.length;
  }

  /** The key's persistent behaviour, else the oldest matching one-shot script (removed from the queue). */
  take(lookup: ScriptLookup): FakeReply | undefined {
    const behavior = this.#keyBehaviors.get(lookup.key);
    if (behavior && appliesTo(behavior, lookup.action)) return behavior;
    const index = this.#queue.findIndex(
      (script) => matches(script.match, lookup) && appliesTo(script.reply, lookup.action),
    );
    if (index < 0) return undefined;
    const [script] = this.#queue.splice(index, 1);
    return script?.reply;
  }

  clear(): void {
    this.#queue = [];
    this.#keyBehaviors.clear();
  }
}
