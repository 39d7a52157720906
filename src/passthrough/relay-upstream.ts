import type { Response } from "express";
import { dispatch } from "../dispatch/dispatch.js";
import { GatewayError } from "../errors.js";
import type { Gateway } from "../gateway.js";
import { classifyUpstreamError } from "../keys/classify-upstream-error.js";
import type { KeyLease } from "../keys/key-pool.js";
import { ClientGoneError, type UpstreamAttempt } from "../upstream/gemini-client.js";
import { googleErrorFacts, parseGeminiErrorBody, UpstreamError } from "../upstream/upstream-error.js";
import { createSseTap, type SseTap } from "./sse-tap.js";
import { recordTokenUsage, type TokenUsage } from "./token-usage.js";
import { writeChunk } from "./write-chunk.js";

/** How an answer is awaited before the client is committed to it, and how it is relayed. */
export type RelayMode =
  /** Read whole, then sent: a body that breaks on the way can still move to another key. */
  | "buffered"
  /** An event stream: committed after its first complete event, which may still turn out to be an error. */
  | "sse"
  /** Any other stream (Gemini's JSON-array stream without `alt=sse`): committed after its first bytes. */
  | "bytes";

/** One request passed through to the upstream with a pool key. */
export interface PassthroughCall {
  gateway: Gateway;
  method: "GET" | "POST";
  /** Path under the upstream root, e.g. `/v1beta/models/gemini-2.5-flash:streamGenerateContent`. */
  path: string;
  /** The client's query, already without its own `key`. */
  query: URLSearchParams;
  /** The client's body, byte for byte. */
  body: Buffer | undefined;
  auth: "x-goog-api-key" | "bearer";
  /** The model whose quota the call spends; undefined for model lists. */
  model: string | undefined;
  mode: RelayMode;
  signal: AbortSignal;
  /** Reads token usage from a JSON answer or from one stream event. */
  usageOf?: (json: unknown) => TokenUsage | undefined;
  /** Native routes answer the client's own mistakes with Google's error body, which Gemini SDKs read. */
  relayClientErrors: boolean;
  /** The event that tells a stream's reader the upstream broke after it started; without one the connection is cut. */
  interruptionEvent?: (message: string) => string;
}

interface OpenedAnswer {
  attempt: UpstreamAttempt;
  /** What has been read before committing: the whole body, or a stream's first bytes or event. */
  head: Buffer[];
  /** The rest of a stream; undefined when `head` is the whole body. */
  rest: AsyncIterator<Buffer> | undefined;
  tap: SseTap | undefined;
}

/** A first event this large is an inline image, not an error: commit without waiting for its end. */
const MAX_HEAD_BYTES = 4 * 1024 * 1024;

/**
 * Passes one request through to the upstream with a key from the pool and relays the answer untouched:
 * the upstream's status, content type and bytes. The client is committed only once an attempt has
 * succeeded (whole body read, or a stream's first event), so a 429, a 5xx or a broken connection before
 * that moves to another key through the one dispatch loop, invisibly to the client.
 */
export async function relayUpstream(call: PassthroughCall, response: Response): Promise<void> {
  // The last attempt's failure when it was the client's own mistake, whose upstream body a native client should read.
  let clientMistake: UpstreamError | undefined;
  let opened: { value: OpenedAnswer; lease: KeyLease };
  try {
    opened = await dispatch(
      call.gateway.dispatcher,
      { model: call.model, signal: call.signal },
      async (lease) => {
        clientMistake = undefined;
        try {
          return await openAnswer(call, lease);
        } catch (error) {
          if (error instanceof UpstreamError && isClientMistake(error)) clientMistake = error;
          throw error;
        }
      },
    );
  } catch (error) {
    if (call.relayClientErrors && clientMistake?.body && error instanceof GatewayError) {
      response.status(clientMistake.status ?? error.status).json(clientMistake.body);
      return;
    }
    throw error;
  }

  const { attempt, head, rest, tap } = opened.value;
  const contentType = headerValue(attempt.headers["content-type"]);
  response.status(attempt.status);
  response.setHeader("content-type", contentType ?? "application/json; charset=UTF-8");
  if (!rest) {
    const body = Buffer.concat(head);
    record(call, opened.lease, tap ? tap.usage : usageOfBody(call, body));
    response.setHeader("content-length", body.length);
    response.end(body);
    return;
  }
  await relayStream(call, opened.lease, opened.value, rest, response);
}

/** One attempt: sends, then reads until the answer has really started (see `RelayMode`). */
async function openAnswer(call: PassthroughCall, lease: KeyLease): Promise<OpenedAnswer> {
  const attempt = await call.gateway.client.send({
    lease,
    method: call.method,
    path: call.path,
    query: call.query,
    ...(call.body === undefined ? {} : { body: call.body }),
    auth: call.auth,
    signal: call.signal,
    timeoutMs: call.gateway.config.requestTimeoutMs,
  });
  const tap = call.mode === "sse" ? createSseTap(call.usageOf) : undefined;
  const iterator = (attempt.body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      head.push(next.value);
      size += next.value.length;
      if (call.mode === "buffered") continue;
      tap?.feed(next.value);
      if (tap?.errorText !== undefined) throw errorFromPayload(call, tap.errorText);
      const started = tap ? tap.events > 0 || size >= MAX_HEAD_BYTES : size > 0;
      if (started) {
        attempt.started();
        return { attempt, head, rest: iterator, tap };
      }
    }
    attempt.started();
    if (call.mode !== "buffered") {
      if (size === 0) throw new UpstreamError("stream", "upstream stream ended before its first event");
      // A 200 whose whole body is a bare error object, as Google sometimes ends a stream.
      const text = Buffer.concat(head).toString("utf8");
      if (parseGeminiErrorBody(text)) throw errorFromPayload(call, text);
    }
    return { attempt, head, rest: undefined, tap };
  } catch (error) {
    attempt.started();
    attempt.body.destroy();
    throw attempt.failure(error);
  }
}

/** Relays the rest of a committed stream chunk for chunk, at the pace the client reads. */
async function relayStream(
  call: PassthroughCall,
  lease: KeyLease,
  answer: OpenedAnswer,
  rest: AsyncIterator<Buffer>,
  response: Response,
): Promise<void> {
  const { attempt, tap } = answer;
  response.setHeader("cache-control", "no-cache, no-transform");
  response.setHeader("x-accel-buffering", "no");
  response.flushHeaders();

  let lastChunk: Buffer | undefined;
  let failure: unknown;
  try {
    for (const chunk of answer.head) {
      lastChunk = chunk;
      if (!(await writeChunk(response, chunk))) throw new ClientGoneError("client disconnected");
    }
    for (let next = await rest.next(); !next.done; next = await rest.next()) {
      tap?.feed(next.value);
      lastChunk = next.value;
      if (!(await writeChunk(response, next.value))) throw new ClientGoneError("client disconnected");
    }
  } catch (error) {
    failure = error;
  }
  record(call, lease, tap?.usage);

  if (failure !== undefined) {
    attempt.body.destroy();
    if (failure instanceof ClientGoneError || call.signal.aborted) return;
    const broken = attempt.failure(failure);
    reportStreamFailure(call, lease, broken);
    if (call.interruptionEvent && lastChunk && endsAnEvent(lastChunk) && !response.destroyed) {
      response.end(call.interruptionEvent(`Upstream stream interrupted: ${broken.message}`));
    } else {
      response.destroy();
    }
    return;
  }
  // An error Google sent inside the stream reached the client as is; the key still has to hear of it.
  if (tap?.errorText !== undefined)
    reportStreamFailure(call, lease, errorFromStreamEvent(call, tap.errorText));
  response.end();
}

function isClientMistake(error: UpstreamError): boolean {
  return classifyUpstreamError(error, { now: Date.now() }).kind === "client_error";
}

/** An error object where an answer was expected, read as the HTTP error it stands for. */
function errorFromPayload(call: PassthroughCall, text: string): UpstreamError {
  const code = parseGeminiErrorBody(text)?.error.code;
  const status = typeof code === "number" && code >= 400 && code < 600 ? code : 500;
  return call.gateway.client.httpError(status, text);
}

function errorFromStreamEvent(call: PassthroughCall, text: string): UpstreamError {
  const body = parseGeminiErrorBody(text);
  const message = call.gateway.redact(body?.error.message ?? "error event inside the upstream stream");
  return new UpstreamError("stream", message, {
    ...googleErrorFacts(body),
    ...(typeof body?.error.code === "number" ? { status: body.error.code } : {}),
  });
}

function reportStreamFailure(call: PassthroughCall, lease: KeyLease, error: Error): void {
  if (!(error instanceof UpstreamError)) return;
  const verdict = classifyUpstreamError(error, { now: Date.now() });
  call.gateway.pool.reportFailure(lease, verdict);
  call.gateway.logger.warn(
    { keyId: lease.id, model: lease.model, verdict: verdict.kind },
    `upstream stream failed after it started: ${error.message}`,
  );
}

function record(call: PassthroughCall, lease: KeyLease, usage: TokenUsage | undefined): void {
  if (call.model) recordTokenUsage(call.gateway, call.model, lease.id, usage);
}

function usageOfBody(call: PassthroughCall, body: Buffer): TokenUsage | undefined {
  if (!call.usageOf || body.length === 0) return undefined;
  try {
    return call.usageOf(JSON.parse(body.toString("utf8")));
  } catch {
    return undefined;
  }
}

/** Whether the bytes so far end between two events, where one more event can be appended cleanly. */
function endsAnEvent(chunk: Buffer): boolean {
  const tail = chunk.subarray(-4).toString("latin1");
  return tail.endsWith("\n\n") || tail.endsWith("\r\r") || tail.endsWith("\r\n\r\n");
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
