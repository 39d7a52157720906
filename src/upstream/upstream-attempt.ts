import type { z } from "zod";
import type { GeminiGenerateContentResponse } from "../gemini/wire-types.js";
import type {
  CallLimits,
  GeminiClient,
  OpenedResponse,
  UpstreamCredentials,
  UpstreamRequest,
} from "./gemini-client.js";
import { readGeminiStream } from "./read-gemini-stream.js";
import { createSseTap, type SseTap } from "./sse-tap.js";
import { googleErrorFacts, parseGeminiErrorBody, UpstreamError } from "./upstream-error.js";

/**
 * What the reads report about a stream the client is already reading, for the rotation policy and the
 * metrics (dispatch implements it). A failure before that is simply thrown.
 */
export interface StreamReports {
  /** The committed stream broke: classified, charged and counted once. */
  brokeAfterStart(error: UpstreamError): void;
  /** The committed stream ended without an upstream failure (also when the client left). */
  ended(): void;
}

/** When a relayed answer is committed to: the client is answered only after this point. */
export type CommitPoint =
  /** The whole body read: a body that breaks on the way can still move to another key. */
  | "whole"
  /** An event stream's first complete event, which may still turn out to be an error. */
  | "first-event"
  /** Any other stream (Gemini's JSON-array stream without `alt=sse`): its first bytes. */
  | "first-bytes";

/** An answer to relay byte for byte. */
export interface RelayedAnswer<Usage> {
  status: number;
  contentType: string | undefined;
  /** The whole body (`whole`), or what was read before committing. */
  head: Buffer[];
  /** The rest of a stream, read at the client's pace; a failure is reported before it is thrown. */
  rest: AsyncIterable<Buffer> | undefined;
  /** Token usage seen so far (in a stream's events, or in the whole body). */
  usage(): Usage | undefined;
}

/** A first event this large is an inline image, not an error: commit without waiting for its end. */
const MAX_HEAD_BYTES = 4 * 1024 * 1024;

/**
 * The reads of one attempt on one key, handed to the attempt by dispatch. Each read owns the attempt's
 * timing (the first-byte timer runs until the answer has really started) and maps every failure to a
 * typed one; a stream it hands out reports its own end or failure. No caller has a protocol of calls
 * to remember.
 */
export class UpstreamAttempt {
  private pendingStreams = 0;

  constructor(
    private readonly client: GeminiClient,
    private readonly credentials: UpstreamCredentials,
    private readonly limits: CallLimits,
    private readonly reports: StreamReports,
  ) {}

  /** Whether a committed stream was handed out, whose outcome is reported when it ends. */
  get settlesLater(): boolean {
    return this.pendingStreams > 0;
  }

  /** Reads a whole JSON answer and checks its shape; the answer has started once it is all read. */
  async json<T>(request: UpstreamRequest, shape: z.ZodType<T>): Promise<T> {
    const opened = await this.open(request);
    let text: string;
    try {
      text = await opened.body.text();
    } catch (error) {
      throw opened.failure(error);
    } finally {
      opened.started();
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UpstreamError("malformed", `upstream answered ${opened.status} with a body that is not JSON`);
    }
    const checked = shape.safeParse(parsed);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
      throw new UpstreamError(
        "malformed",
        `upstream answered ${opened.status} with a body of an unexpected shape${where}`,
      );
    }
    return checked.data;
  }

  /**
   * Opens Gemini's SSE stream and waits for its first chunk (so a failure before it can still move to
   * another key); the chunks, that one first, come from the returned iterable.
   */
  async eventStream(request: UpstreamRequest): Promise<AsyncIterable<GeminiGenerateContentResponse>> {
    const opened = await this.open(request);
    const chunks = readGeminiStream(opened.body, (text) => this.client.redact(text));
    let first: IteratorResult<GeminiGenerateContentResponse, void>;
    try {
      first = await chunks.next();
    } catch (error) {
      opened.body.destroy();
      throw opened.signal.aborted ? opened.failure(error) : error;
    } finally {
      opened.started();
    }
    if (first.done) throw new UpstreamError("stream", "upstream stream ended before its first event");
    this.pendingStreams += 1;
    return this.committedChunks(opened, first.value, chunks);
  }

  /**
   * Reads an answer to relay untouched, up to `commitAt`; the status, content type and bytes are
   * Google's. `usageOf` reads token usage from the JSON body or from each stream event.
   */
  async bytes<Usage>(
    request: UpstreamRequest,
    options: { commitAt: CommitPoint; usageOf?: (json: unknown) => Usage | undefined },
  ): Promise<RelayedAnswer<Usage>> {
    const opened = await this.open(request);
    const { commitAt, usageOf } = options;
    const tap = commitAt === "first-event" ? createSseTap(usageOf) : undefined;
    const iterator = (opened.body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    const head: Buffer[] = [];
    let size = 0;
    const answer = (rest: AsyncIterable<Buffer> | undefined, usage: () => Usage | undefined) => ({
      status: opened.status,
      contentType: headerValue(opened.headers["content-type"]),
      head,
      rest,
      usage,
    });
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        head.push(next.value);
        size += next.value.length;
        if (commitAt === "whole") continue;
        tap?.feed(next.value);
        if (tap?.errorText !== undefined) throw this.errorOfPayload(tap.errorText);
        const committed = tap ? tap.events > 0 || size >= MAX_HEAD_BYTES : size > 0;
        if (committed) {
          opened.started();
          this.pendingStreams += 1;
          return answer(this.committedBytes(opened, iterator, tap), () => tap?.usage);
        }
      }
      opened.started();
      if (commitAt !== "whole") {
        if (size === 0) throw new UpstreamError("stream", "upstream stream ended before its first event");
        // A 200 whose whole body is a bare error object, as Google sometimes ends a stream.
        const text = Buffer.concat(head).toString("utf8");
        if (parseGeminiErrorBody(text)) throw this.errorOfPayload(text);
      }
      return answer(undefined, () => (tap ? tap.usage : usageOfBody(usageOf, head)));
    } catch (error) {
      opened.started();
      opened.body.destroy();
      throw opened.failure(error);
    }
  }

  private open(request: UpstreamRequest): Promise<OpenedResponse> {
    return this.client.open(this.credentials, request, this.limits);
  }

  private async *committedChunks(
    opened: OpenedResponse,
    first: GeminiGenerateContentResponse,
    rest: AsyncGenerator<GeminiGenerateContentResponse, void, undefined>,
  ): AsyncGenerator<GeminiGenerateContentResponse, void, undefined> {
    let broke = false;
    try {
      yield first;
      for await (const chunk of rest) yield chunk;
    } catch (error) {
      const failure = opened.signal.aborted ? opened.failure(error) : error;
      if (failure instanceof UpstreamError) {
        broke = true;
        this.reports.brokeAfterStart(failure);
      }
      throw failure;
    } finally {
      opened.body.destroy();
      if (!broke) this.reports.ended();
    }
  }

  private async *committedBytes<Usage>(
    opened: OpenedResponse,
    rest: AsyncIterator<Buffer>,
    tap: SseTap<Usage> | undefined,
  ): AsyncGenerator<Buffer, void, undefined> {
    let broke = false;
    try {
      for (let next = await rest.next(); !next.done; next = await rest.next()) {
        tap?.feed(next.value);
        yield next.value;
      }
      // An error Google sent inside the stream reached the client as is; the key still has to hear of it.
      if (tap?.errorText !== undefined) {
        broke = true;
        this.reports.brokeAfterStart(this.errorOfStreamEvent(tap.errorText));
      }
    } catch (error) {
      const failure = opened.failure(error);
      if (failure instanceof UpstreamError) {
        broke = true;
        this.reports.brokeAfterStart(failure);
      }
      throw failure;
    } finally {
      opened.body.destroy();
      if (!broke) this.reports.ended();
    }
  }

  /** An error object where an answer was expected, read as the HTTP error it stands for. */
  private errorOfPayload(text: string): UpstreamError {
    const code = parseGeminiErrorBody(text)?.error.code;
    const status = typeof code === "number" && code >= 400 && code < 600 ? code : 500;
    return this.client.httpError(status, text);
  }

  private errorOfStreamEvent(text: string): UpstreamError {
    const body = parseGeminiErrorBody(text);
    const message = this.client.redact(body?.error.message ?? "error event inside the upstream stream");
    return new UpstreamError("stream", message, {
      ...googleErrorFacts(body),
      ...(typeof body?.error.code === "number" ? { status: body.error.code } : {}),
    });
  }
}

/** The usage of a whole JSON body, when it has one. */
function usageOfBody<Usage>(
  usageOf: ((json: unknown) => Usage | undefined) | undefined,
  head: readonly Buffer[],
): Usage | undefined {
  if (!usageOf || head.length === 0) return undefined;
  try {
    return usageOf(JSON.parse(Buffer.concat(head).toString("utf8")));
  } catch {
    return undefined;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
