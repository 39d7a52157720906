import { createParser } from "eventsource-parser";

/** Beyond this an event is not worth watching (a large inline image); the bytes still pass. */
const MAX_WATCHED_EVENT_CHARS = 32 * 1024 * 1024;

/**
 * Watches an event stream that is relayed untouched: counts complete events, keeps the last token
 * usage, and notes an error event. It never changes a byte; a chunk it cannot read is only not watched.
 */
export interface SseTap<Usage> {
  feed(chunk: Uint8Array): void;
  /** Complete events seen so far. */
  readonly events: number;
  /** The data of the first event that carried an error (`{"error":…}` or `[{"error":…}]`). */
  readonly errorText: string | undefined;
  /** The last usage any event reported. */
  readonly usage: Usage | undefined;
}

export function isErrorPayload(json: unknown): boolean {
  const candidate = Array.isArray(json) ? json[0] : json;
  return Boolean(candidate) && typeof candidate === "object" && "error" in (candidate as object);
}

export function createSseTap<Usage>(usageOf?: (json: unknown) => Usage | undefined): SseTap<Usage> {
  const decoder = new TextDecoder();
  let events = 0;
  let errorText: string | undefined;
  let usage: Usage | undefined;
  let watching = true;

  const parser = createParser({
    maxBufferSize: MAX_WATCHED_EVENT_CHARS,
    onEvent(event) {
      events++;
      if (event.data === "[DONE]") return;
      let json: unknown;
      try {
        json = JSON.parse(event.data);
      } catch {
        return;
      }
      if (isErrorPayload(json)) errorText ??= event.data;
      else usage = usageOf?.(json) ?? usage;
    },
    onError(error) {
      if (error.type === "max-buffer-size-exceeded") watching = false;
    },
  });

  return {
    feed(chunk) {
      if (watching) parser.feed(decoder.decode(chunk, { stream: true }));
    },
    get events() {
      return events;
    },
    get errorText() {
      return errorText;
    },
    get usage() {
      return usage;
    },
  };
}
