import { type Dispatcher, request } from "undici";
import { z } from "zod";
import { redactSecrets } from "../secrets/secret-patterns.js";
import { OutboundDispatchers, type OutboundProxySettings } from "./outbound-dispatchers.js";
import { googleErrorFacts, parseGeminiErrorBody, UpstreamError } from "./upstream-error.js";

/** The client hung up: stop everything, charge nothing. */
export class ClientGoneError extends Error {
  override name = "ClientGoneError";
}

/** What a key brings to a call: the key itself and its own outbound proxy, if it names one. */
export interface UpstreamCredentials {
  readonly key: string;
  readonly proxy: string | undefined;
}

/** One HTTP call to Google, without the key: the attempt adds it. */
export interface UpstreamRequest {
  method: "GET" | "POST";
  /** Path under the upstream root, e.g. `/v1beta/models/gemini-2.5-flash:generateContent`. */
  path: string;
  query?: URLSearchParams;
  body?: string | Buffer;
  /** How the key travels: Gemini's header, or Bearer for Google's OpenAI-compatible layer. */
  auth?: "x-goog-api-key" | "bearer";
}

/** How long the call may take to start answering, and when the client has gone. */
export interface CallLimits {
  /** Aborted when the client connection closes. */
  signal: AbortSignal;
  /** Time allowed until the answer has really started (see `OpenedResponse.started`). */
  timeoutMs: number;
}

/** A successful (2xx) answer whose body is still to be read, by one of the attempt's reads. */
export interface OpenedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData["body"];
  /** Aborted when the attempt times out or the client leaves. */
  signal: AbortSignal;
  /** The answer has really started (the whole JSON read, or a stream's first event): stops the timer. */
  started(): void;
  /** Maps a failure while reading the body to client-gone, timeout or a broken connection. */
  failure(error: unknown): Error;
}

const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * What is read of a failure undici throws (Node's own errors: they come from another realm under some
 * test runners, so they are read by shape, not by `instanceof`).
 */
const connectionFailureShape = z.looseObject({
  code: z.string().optional(),
  message: z.string().optional(),
  port: z.number().optional(),
  cause: z.looseObject({ code: z.string().optional() }).optional().catch(undefined),
});

/**
 * Connection failures before any HTTP answer that no key could have avoided: the name does not resolve,
 * nothing listens, there is no route, the TLS handshake fails, or the connection cannot even be made in
 * time. A timeout after connecting, or a connection that breaks, is not among them.
 */
const UNREACHABLE_CODES = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EAI_NONAME",
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "ENETDOWN",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  "EPROTO",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
]);

function isUnreachable(code: string): boolean {
  return UNREACHABLE_CODES.has(code) || code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_");
}

/**
 * The one place a key touches a request. Upstream HTTP goes through undici with keep-alive
 * connection pools (one per proxy for keys that name one). Only the attempt's reads
 * (upstream-attempt.ts) call it: they own the timing and the failure reporting.
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

  /** Sends one call with a key; resolves once a 2xx answer's headers arrived, else throws `UpstreamError`. */
  async open(
    credentials: UpstreamCredentials,
    call: UpstreamRequest,
    limits: CallLimits,
  ): Promise<OpenedResponse> {
    if (limits.signal.aborted) throw new ClientGoneError("client disconnected");
    const attemptController = new AbortController();
    const timer = setTimeout(
      () =>
        attemptController.abort(
          new UpstreamError("timeout", `no answer from upstream within ${limits.timeoutMs} ms`),
        ),
      limits.timeoutMs,
    );
    // One controller for both causes: AbortSignal.any() costs far more per request (see bench/README.md).
    const abortWithClient = () => attemptController.abort(limits.signal.reason);
    limits.signal.addEventListener("abort", abortWithClient, { once: true });
    const signal = attemptController.signal;
    const url = new URL(this.baseUrl + call.path);
    if (call.query) url.search = call.query.toString();
    const headers: Record<string, string> = {};
    if (call.auth === "bearer") headers.authorization = `Bearer ${credentials.key}`;
    else headers["x-goog-api-key"] = credentials.key;
    if (call.body !== undefined) headers["content-type"] = "application/json";
    const failure = (error: unknown, connecting: boolean) =>
      this.translateFailure(error, { credentials, limits, attemptSignal: signal, connecting });

    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: call.method,
        headers,
        body: call.body,
        signal,
        dispatcher: this.dispatcherFor(credentials.proxy),
        headersTimeout: limits.timeoutMs,
      });
    } catch (error) {
      clearTimeout(timer);
      throw failure(error, true);
    }

    if (response.statusCode >= 200 && response.statusCode < 300) {
      return {
        status: response.statusCode,
        headers: response.headers,
        body: response.body,
        signal,
        started: () => clearTimeout(timer),
        failure: (error) => failure(error, false),
      };
    }
    try {
      const text = await readLimited(response.body, MAX_ERROR_BODY_BYTES);
      throw this.httpError(response.statusCode, text);
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      throw failure(error, false);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Turns a non-2xx answer into the typed error rotation reads; the message is free of secrets. */
  httpError(status: number, text: string): UpstreamError {
    const body = parseGeminiErrorBody(text);
    const rawMessage = body?.error.message ?? (text.trim().slice(0, 500) || `upstream answered ${status}`);
    const message = this.redact(rawMessage);
    const redactedBody = body ? JSON.parse(this.redact(JSON.stringify(body))) : undefined;
    return new UpstreamError("http", message, { status, body: redactedBody, ...googleErrorFacts(body) });
  }

  /** Removes every key of the pool, and anything key-shaped, from upstream text. */
  redact(text: string): string {
    return redactSecrets(text, [this.secrets()]);
  }

  /**
   * Maps what undici threw into client-gone, timeout, proxy, unreachable or broken-connection failures.
   * `connecting`: no HTTP answer has started yet.
   */
  private translateFailure(
    error: unknown,
    context: {
      credentials: UpstreamCredentials;
      limits: CallLimits;
      attemptSignal: AbortSignal;
      connecting: boolean;
    },
  ): Error {
    if (context.limits.signal.aborted) return new ClientGoneError("client disconnected");
    const { attemptSignal } = context;
    if (attemptSignal.aborted && attemptSignal.reason instanceof UpstreamError) return attemptSignal.reason;
    if (error instanceof UpstreamError || error instanceof ClientGoneError) return error;
    const failure = connectionFailureShape.safeParse(error).data;
    const code = failure?.code ?? failure?.cause?.code ?? "";
    const description = this.redact(`${code ? `${code}: ` : ""}${failure?.message ?? String(error)}`);
    if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
      return new UpstreamError("timeout", description, { cause: error });
    }
    const proxy = context.credentials.proxy;
    if (proxy && isProxyFailure(proxy, code, failure)) {
      return new UpstreamError("proxy", `proxy failed: ${description}`, { cause: error });
    }
    if (context.connecting && isUnreachable(code)) {
      return new UpstreamError("unreachable", description, { cause: error });
    }
    return new UpstreamError("network", description, { cause: error });
  }

  /** The connection pool a key's calls go through: its own proxy's, or the direct one. */
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
  failure: { message?: string | undefined; port?: number | undefined } | undefined,
): boolean {
  const message = failure?.message ?? "";
  if (code.startsWith("UND_ERR_PRX") || /proxy/i.test(message)) return true;
  const proxyUrl = new URL(proxy);
  const proxyPort = Number(proxyUrl.port || (proxyUrl.protocol === "https:" ? 443 : 80));
  return failure?.port === proxyPort || message.includes(`${proxyUrl.hostname}:${proxyPort}`);
}
