/**
 * `POST /admin/keys/check` as a stream: one `progress` event per key as its probe finishes, then `done`.
 * fetch rather than EventSource, since the check is a POST with a body and a CSRF header.
 */
import { EventSourceParserStream } from "eventsource-parser/stream";
import { ensureOk, requestHeaders } from "./admin-client.js";
import type { CheckDone, CheckProgress } from "./types.js";

export interface CheckScope {
  ids?: string[];
  label?: string;
  model?: string;
}

export interface CheckListener {
  progress(update: CheckProgress): void;
  done(summary: CheckDone): void;
}

export async function checkKeys(
  scope: CheckScope,
  listener: CheckListener,
  signal: AbortSignal,
): Promise<void> {
  const response = await ensureOk(
    await fetch("/admin/keys/check", {
      method: "POST",
      headers: requestHeaders("POST", { "content-type": "application/json", accept: "text/event-stream" }),
      body: JSON.stringify(scope),
      signal,
    }),
  );
  if (!response.body) throw new Error("the check answered without a body");
  const events = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream());
  const reader = events.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    // An event the console does not know (a newer server) is skipped, not fatal.
    if (value.event === "progress") listener.progress(JSON.parse(value.data) as CheckProgress);
    else if (value.event === "done") listener.done(JSON.parse(value.data) as CheckDone);
  }
}
