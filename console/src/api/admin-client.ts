/**
 * Calls to the gateway's /admin and /console/api routes from the console. The session cookie rides along
 * by itself (same origin); every state-changing call also carries the CSRF token the session handed out.
 */

/** A refused call, with the message from the gateway's error envelope. */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

let csrfToken: string | undefined;
let onUnauthorized: () => void = () => {};

export function rememberCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** What the console does when the gateway stops accepting the session (expired, logged out elsewhere). */
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export function requestHeaders(method: string, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { accept: "application/json", ...extra };
  if (method !== "GET" && csrfToken) headers["x-console-csrf"] = csrfToken;
  return headers;
}

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === "object" && "error" in body) {
      const error = (body as { error: unknown }).error;
      if (error && typeof error === "object" && "message" in error) return String(error.message);
    }
  } catch {
    // Not JSON: the text itself says it best.
  }
  return text || `HTTP ${response.status}`;
}

/** Throws an ApiError for any answer that is not 2xx; a 401 also tells the session it has ended. */
export async function ensureOk(response: Response): Promise<Response> {
  if (response.ok) return response;
  if (response.status === 401) onUnauthorized();
  throw new ApiError(response.status, await errorMessage(response));
}

export async function callApi<Answer>(method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await ensureOk(
    await fetch(path, {
      method,
      headers: requestHeaders(method, body === undefined ? {} : { "content-type": "application/json" }),
      body: body === undefined ? null : JSON.stringify(body),
    }),
  );
  if (response.status === 204) return undefined as Answer;
  return (await response.json()) as Answer;
}

/** `?name=value&…` from the entries that are set. */
export function queryString(parameters: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
