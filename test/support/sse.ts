/**
 * A generic Server-Sent Events reader for tests, protocol-neutral: named events (`event:`), data lines
 * (joined by `\n` when an event has several), ids, comments, LF, CRLF or CR framing, fed whole or in
 * pieces. It stands on eventsource-parser, the parser the AI SDK reads streams with, so a stream that
 * parses here parses for that client. Protocol checkers (openai-chat-stream.ts and friends) build on it.
 */
import { get } from "node:http";
import { createParser } from "eventsource-parser";
import { type HttpAnswer, type HttpRequest, open, parseJson, requestHeaders } from "./http.js";

/** One dispatched event. */
export interface SseEvent {
  /** The `event:` name, when the event has one. */
  event?: string;
  /** The `id:` field, when the event has one. */
  id?: string;
  /** The data lines, joined by `\n`. */
  data: string;
  /** `data` parsed, or `undefined` when it is not JSON (e.g. `[DONE]`). */
  json?: any;
}

/** One comment line (`: ping`), its text without the colon and one leading space. */
export interface SseComment {
  text: string;
  /** How many events had been dispatched before it: where it stood in the stream. */
  afterEvents: number;
}

export interface SseStream {
  events: SseEvent[];
  comments: SseComment[];
  /** Anything after the last blank line: an event the server never ended (a well-framed stream has none). */
  unterminated: string;
}

/** A line end (CRLF, a lone CR or LF) followed by an empty line: the end of an event. */
const BLANK_LINE = /(?:\r\n|\r(?!\n)|\n)(?:\r\n|\r(?!\n)|\n)/;

/** The raw blocks between blank lines, for checks of the framing itself (one line per event…). */
export function blocksOf(text: string): string[] {
  return text
    .split(BLANK_LINE)
    .map((block) => block.replace(/^[\r\n]+/, ""))
    .filter((block) => block !== "");
}

/** Incremental form: feed pieces as they arrive, read the events so far, then `end()`. */
export function createSseReader(): { feed(piece: string): void; end(): SseStream } {
  const stream: SseStream = { events: [], comments: [], unterminated: "" };
  let text = "";
  const parser = createParser({
    onEvent(message) {
      stream.events.push({
        ...(message.event === undefined ? {} : { event: message.event }),
        ...(message.id === undefined ? {} : { id: message.id }),
        data: message.data,
        json: parseJson(message.data),
      });
    },
    onComment(comment) {
      stream.comments.push({ text: comment, afterEvents: stream.events.length });
    },
  });
  return {
    feed(piece) {
      text += piece;
      parser.feed(piece);
    },
    end() {
      stream.unterminated = (text.split(BLANK_LINE).at(-1) ?? "").replace(/^[\r\n]+/, "");
      return stream;
    },
  };
}

/** Parses a whole body, or the pieces it arrived in. */
export function parseSse(body: string | Iterable<string>): SseStream {
  const reader = createSseReader();
  for (const piece of typeof body === "string" ? [body] : body) reader.feed(piece);
  return reader.end();
}

/** An HTTP answer whose body was read as SSE. `json` is set when the body was a JSON error instead. */
export interface SseAnswer extends HttpAnswer, SseStream {}

/** Sends a request and reads the answer as an event stream, whatever its content type. */
export async function requestSse(url: string, options: HttpRequest = {}): Promise<SseAnswer> {
  const { response, signal } = await open(url, options);
  const decoder = new TextDecoder();
  const reader = createSseReader();
  let text = "";
  const take = (piece: string) => {
    text += piece;
    reader.feed(piece);
  };
  try {
    if (response.body !== null) {
      for await (const bytes of response.body) take(decoder.decode(bytes, { stream: true }));
    }
    take(decoder.decode());
  } catch (error) {
    if (signal.aborted) {
      throw new Error(`the stream did not end within the deadline (connection left open?):\n${text}`);
    }
    throw error;
  }
  return { status: response.status, headers: response.headers, text, json: parseJson(text), ...reader.end() };
}

/** `requestSse` with a JSON body. */
export function postSse(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  options: Omit<HttpRequest, "body" | "headers"> = {},
): Promise<SseAnswer> {
  return requestSse(url, { ...options, method: options.method ?? "POST", body, headers });
}

/** An endless stream (a live feed) being read as it arrives. */
export interface FollowedSse {
  status: number;
  headers: Headers;
  /** The events so far (grows as more arrive). */
  readonly events: SseEvent[];
  /** The whole body so far, as received. */
  readonly text: string;
  /** Closes the connection and waits for the reading to end. */
  stop(): Promise<void>;
}

/**
 * Opens a stream that never ends by itself (e.g. `/admin/events`) and reads it until `stop()`. It goes
 * through node:http on a connection of its own, which `stop()` destroys: the server sees the client
 * leave at once (an aborted fetch may leave its socket open, holding up the server's shutdown).
 */
export function followSse(
  url: string,
  options: Omit<HttpRequest, "body" | "method" | "timeoutMs"> = {},
): Promise<FollowedSse> {
  return new Promise((resolve, reject) => {
    const reader = createSseReader();
    let text = "";
    let ended: () => void = () => {};
    const finished = new Promise<void>((resolveEnd) => {
      ended = resolveEnd;
    });
    const outgoing = get(url, { headers: requestHeaders(options), agent: false }, (response) => {
      response.setEncoding("utf8");
      response.on("data", (piece: string) => {
        text += piece;
        reader.feed(piece);
      });
      response.on("close", ended);
      response.on("error", () => {
        // Stopped.
      });
      const headers = new Headers();
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
      }
      resolve({
        status: response.statusCode ?? 0,
        headers,
        get events() {
          return reader.end().events;
        },
        get text() {
          return text;
        },
        async stop() {
          outgoing.destroy();
          await finished;
        },
      });
    });
    outgoing.on("error", reject);
  });
}
