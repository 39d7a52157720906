/**
 * The last step of every route: answer with the scripted reply for this request if there is one (a key
 * behaviour, a one-shot script, or a rate limit's 429), else with the route's own answer.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { geminiErrors } from "./errors.js";
import type { Exchange, FakeContext } from "./exchange.js";
import { dropConnection, sendError } from "./respond.js";
import type { ContentReply, ErrorReply, FakeAction, FakeReply } from "./types.js";

/** How a content answer ends: normally, with an error after some chunks, or with a broken connection. */
export type ContentEnding =
  | { kind: "end" }
  | { kind: "error"; afterChunks: number; reply: ErrorReply; form: "sse-event" | "bare-json" }
  | { kind: "drop"; afterChunks: number };

/** Renders content; `undefined` content means the fake's default answer to the request. */
export type ContentHandler = (content: ContentReply | undefined, ending: ContentEnding) => Promise<void>;

const RATE_LIMITED_ACTIONS: ReadonlySet<FakeAction> = new Set([
  "generateContent",
  "streamGenerateContent",
  "openai.chatCompletions",
]);

export interface Answer {
  /** The model the request names, for script matching and rate limits. */
  model: string | undefined;
  /** For generation routes: renders default or scripted content. */
  onContent?: ContentHandler;
  /** For the other routes: the normal answer. */
  onDefault?: () => void;
}

export async function answer(exchange: Exchange, context: FakeContext, how: Answer): Promise<void> {
  const { action } = exchange.route;
  let reply: FakeReply | undefined = context.scripts.take({ key: exchange.key, model: how.model, action });
  if (!reply && how.model !== undefined && RATE_LIMITED_ACTIONS.has(action)) {
    reply = context.rateLimits.admit(exchange.key, how.model);
  }
  if (reply) return play(exchange, context, reply, how);
  if (how.onContent) return how.onContent(undefined, { kind: "end" });
  how.onDefault?.();
}

async function play(exchange: Exchange, context: FakeContext, reply: FakeReply, how: Answer): Promise<void> {
  switch (reply.kind) {
    case "error":
      sendError(exchange, reply);
      return;
    case "hang":
      return;
    case "brokenBody":
      exchange.cutBodyAfterBytes = reply.afterBytes ?? -1;
      if (how.onContent) return how.onContent(undefined, { kind: "end" });
      how.onDefault?.();
      return;
    case "delay":
      await sleep(reply.ms, undefined, { signal: context.lifetime });
      return play(exchange, context, reply.then, how);
    case "drop":
      if (!how.onContent) return dropConnection(exchange);
      return how.onContent(reply.from, { kind: "drop", afterChunks: reply.afterChunks });
    case "midStreamError":
      return how.onContent?.(reply.from, {
        kind: "error",
        afterChunks: reply.afterChunks,
        reply: reply.error ?? geminiErrors.unavailable(),
        form: reply.form ?? "sse-event",
      });
    case "text":
    case "functionCalls":
    case "chunks":
      return how.onContent?.(reply, { kind: "end" });
  }
}
