import { type Dispatcher, request } from "undici";
import type { KeyLease } from "../keys/key-pool.js";
import { OutboundDispatchers, type OutboundProxySettings } from "./outbound-dispatchers.js";
import { redactSecrets } from "./redact.js";
import { googleErrorFacts, parseGeminiErrorBody, UpstreamError } from "./upstream-error.js";

/** The client hung up: stop everything, charge nothing. */
export class ClientGoneError extends Error {
  override name = "ClientGoneError";
}

export interface UpstreamCall {
  lease: Pick<KeyLease, "key" | "proxy">;
  method: "GET" | "POST";
  /** Path under the upstream root, e.g. `/v1beta/models/gemini-2.5-flash:generateContent`. */
  path: string;
  query?: URLSearchParams;
  body?: string | Buffer;
  /** How the key travels: Gemini's header, or Bearer for Google's OpenAI-compatible layer. */
  auth?: "x-goog-api-key" | "bearer";
  headers?: Record<string, string>;
  /** Aborted when the client connection closes. */
  signal: AbortSignal;
  /** Time allowed until the upstream starts answering (see `UpstreamAttempt.started`). */
  timeoutMs: number;
}

/** A successful (2xx) upstream answer whose body is still to be read. */
export interface UpstreamAttempt {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData["body"];
  /**
   * Call once the answer has really started (the whole JSON read, or a stream's first event):
   * stops the first-byte timer. Until then a stall counts as a timeout.
   */
  started(): void;
  /** Aborted when the attempt times out or the client leaves; pass it to body readers. */
  signal: AbortSignal;
  /** Reads the whole body as JSON, then counts the answer as started. */
  json<T>(): Promise<T>;
  /** Maps a failure while reading the body to client-gone, timeout or network failure. */
  failure(error: unknown): Error;
}

const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * The one place a key touches a request. Upstream HTTP goes through undici with keep-alive
 * connection pools (one per proxy for keys that name one).
 */
export class GeminiClient {
  private readonly baseUrl: string;
  private readonly dispatchers: OutboundDispatchers;
  private readonly secrets: () => readonly string[];

  constructor(options: {
    baseUrl: string;
    secrets: () => readonly string[];
    proxies?: OutboundProxySettings;
  }) {
    this.baseUrl = options.baseUrl;
    this.secrets = options.secrets;
    this.dispatchers = new OutboundDispatchers(
      options.proxies ?? { httpsProxy: undefined, httpProxy: undefined, noProxy: undefined },
    );
  }

  async send(call: UpstreamCall): Promise<UpstreamAttempt> {
    if (call.signal.aborted) throw new ClientGoneError("client disconnected");
    const attemptController = new AbortController();
    const timer = setTimeout(
      () =>
        attemptController.abort(
          new UpstreamError("timeout", `no answer from upstream within ${call.timeoutMs} ms`),
        ),
      call.timeoutMs,
    );
    // One controller for both causes: AbortSignal.any() costs far more per request (see bench/README.md).
    const abortWithClient = () => attemptController.abort(call.signal.reason);
    call.signal.addEventListener("abort", abortWithClient, { once: true });
    const signal = attemptController.signal;
    const url = new URL(this.baseUrl + call.path);
    if (call.query) url.search = call.query.toString();
    const headers: Record<string, string> = { ...call.headers };
    if (call.auth === "bearer") headers.authorization = `Bearer ${call.lease.key}`;
    else headers["x-goog-api-key"] = call.lease.key;
    if (call.body !== undefined) headers["content-type"] ??= "application/json";

    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: call.method,
        headers,
        body: call.body,
        signal,
        dispatcher: this.dispatcherFor(call.lease.proxy),
        headersTimeout: call.timeoutMs,
      });
    } catch (error) {
      clearTimeout(timer);
      throw this.translateFailure(error, call, attemptController.signal);
    }

    if (response.statusCode >= 200 && response.statusCode < 300) {
      const failure = (error: unknown) => this.translateFailure(error, call, attemptController.signal);
      const started = () => clearTimeout(timer);
      return {
        status: response.statusCode,
        headers: response.headers,
        body: response.body,
        started,
        signal,
        failure,
        async json<T>() {
          let text: string;
          try {
            text = await response.body.text();
          } catch (error) {
            throw failure(error);
          } finally {
            started();
          }
          try {
            return JSON.parse(text) as T;
          } catch {
            throw new UpstreamError(
              "network",
              `upstream answered ${response.statusCode} with a body that is not JSON`,
            );
          }
        },
      };
    }
    try {
      const text = await readLimited(response.body, MAX_ERROR_BODY_BYTES);
      throw this.httpError(response.statusCode, text);
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      throw this.translateFailure(error, call, attemptController.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Turns a non-2xx answer into the typed error rotation reads; the message is free of secrets. */
  httpError(status: number, text: string): UpstreamError {
    const body = parseGeminiErrorBody(text);
    const rawMessage = body?.error.message ?? (text.trim().slice(0, 500) || `upstream answered ${status}`);
    const message = redactSecrets(rawMessage, this.secrets());
    const redactedBody = body ? JSON.parse(redactSecrets(JSON.stringify(body), this.secrets())) : undefined;
    return new UpstreamError("http", message, { status, body: redactedBody, ...googleErrorFacts(body) });
  }

  /** Maps what undici threw into client-gone, timeout, proxy or network failures. */
  translateFailure(error: unknown, call: UpstreamCall, attemptSignal: AbortSignal): Error {
    if (call.signal.aborted) return new ClientGoneError("client disconnected");
    if (attemptSignal.aborted && attemptSignal.reason instanceof UpstreamError) return attemptSignal.reason;
    if (error instanceof UpstreamError || error instanceof ClientGoneError) return error;
    const failure = error as { code?: string; message?: string; cause?: { code?: string } };
    const code = failure.code ?? failure.cause?.code ?? "";
    const description = redactSecrets(
      `${code ? `${code}: ` : ""}${failure.message ?? String(error)}`,
      this.secrets(),
    );
    if (
      code === "UND_ERR_HEADERS_TIMEOUT" ||
      code === "UND_ERR_CONNECT_TIMEOUT" ||
      code === "UND_ERR_BODY_TIMEOUT"
    ) {
      return new UpstreamError("timeout", description, { cause: error });
    }
    if (call.lease.proxy && isProxyFailure(call.lease.proxy, code, failure)) {
      return new UpstreamError("proxy", `proxy failed: ${description}`, { cause: error });
    }
    return new UpstreamError("network", description, { cause: error });
  }

  private dispatcherFor(proxy: string | undefined): Dispatcher {
    return this.dispatchers.for(proxy);
  }

  async close(): Promise<void> {
    await this.dispatchers.close();
  }
}

/** Reads at most `limit` bytes of a body as text and discards the rest. */
export async function readLimited(body: AsyncIterable<Buffer>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < limit) chunks.push(chunk.subarray(0, limit - size));
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Whether a connection failure happened on the way to the key's proxy rather than to Google. */
function isProxyFailure(
  proxy: string,
  code: string,
  failure: { message?: string; port?: unknown; address?: unknown },
): boolean {
  if (code.startsWith("UND_ERR_PRX") || /proxy/i.test(failure.message ?? "")) return true;
  const proxyUrl = new URL(proxy);
  const proxyPort = Number(proxyUrl.port || (proxyUrl.protocol === "https:" ? 443 : 80));
  return failure.port === proxyPort || (failure.message ?? "").includes(`${proxyUrl.hostname}:${proxyPort}`);
}
