/**
 * The query string that goes upstream: everything the client sent (`alt=sse`, `pageSize`, `pageToken`, …)
 * except `key`, the client's own token, which must never reach Google (the pool key travels in
 * `x-goog-api-key` instead).
 */
export function forwardedQuery(originalUrl: string): URLSearchParams {
  const queryStart = originalUrl.indexOf("?");
  const query = new URLSearchParams(queryStart === -1 ? "" : originalUrl.slice(queryStart + 1));
  query.delete("key");
  return query;
}
