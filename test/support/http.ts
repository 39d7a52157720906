/**
 * The one way tests talk HTTP to the gateway (or the fake): send a request, read the whole body, and
 * return status, headers, the text and, when the body is JSON, the parsed value.
 */

/** The bearer token the tests present by default: the e2e gateway's ACCESS_TOKEN, any value elsewhere. */
export const TEST_ACCESS_TOKEN = "test";

/** How long a body may take to end by default; a server that keeps the socket open fails with a message. */
const DEFAULT_BODY_TIMEOUT_MS = 20_000;

export interface HttpRequest {
  /** Default: `POST` when there is a body, `GET` otherwise. */
  method?: string;
  /** Sent as JSON (with `content-type: application/json`) unless it is a string, which is sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Sent as `Authorization: Bearer <token>`; default `TEST_ACCESS_TOKEN`. `null` sends no
   * `Authorization` header (a stranger, or a native client that authenticates with `x-goog-api-key`).
   */
  token?: string | null;
  /** How long the whole exchange may take before it fails with a clear message. */
  timeoutMs?: number;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The whole body as received. */
  text: string;
  /** The parsed body, or `undefined` when it is not JSON (typed loosely: tests read what they assert). */
  json: any;
}

/** The headers `request` sends: content type for a body, then the bearer token, then the caller's. */
export function requestHeaders(options: HttpRequest): Record<string, string> {
  const token = options.token === undefined ? TEST_ACCESS_TOKEN : options.token;
  return {
    ...(options.body === undefined ? {} : { "content-type": "application/json" }),
    ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    ...options.headers,
  };
}

/**
 * Sends the request and returns the raw `Response` with its body unread (for tests that read the body
 * piece by piece), failing with a clear message when the exchange outlives `timeoutMs`.
 */
export async function open(
  url: string,
  options: HttpRequest = {},
): Promise<{ response: Response; signal: AbortSignal }> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_BODY_TIMEOUT_MS);
  const response = await fetch(url, {
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    headers: requestHeaders(options),
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }),
    signal,
  }).catch((error: unknown) => {
    throw timedOut(signal, options) ?? error;
  });
  return { response, signal };
}

/** Sends a request and reads the whole answer. */
export async function request(url: string, options: HttpRequest = {}): Promise<HttpAnswer> {
  const { response, signal } = await open(url, options);
  const text = await response.text().catch((error: unknown) => {
    throw timedOut(signal, options) ?? error;
  });
  return { status: response.status, headers: response.headers, text, json: parseJson(text) };
}

/** `request` with a JSON body (or a raw string body, for malformed-input tests). */
export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  options: Omit<HttpRequest, "body" | "headers"> = {},
): Promise<HttpAnswer> {
  return request(url, { ...options, method: options.method ?? "POST", body, headers });
}

/** The parsed JSON of `text`, or `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function timedOut(signal: AbortSignal, options: HttpRequest): Error | undefined {
  if (!signal.aborted) return undefined;
  return new Error(
    `the answer did not end within ${options.timeoutMs ?? DEFAULT_BODY_TIMEOUT_MS} ms (connection left open?)`,
  );
}
