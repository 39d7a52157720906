/** How one upstream attempt ended, as `gateway_upstream_requests_total` and the usage history count it. */
export type UpstreamOutcome =
  | "ok"
  | "rate_limited"
  | "quota_exhausted"
  | "invalid_key"
  | "server_error"
  | "client_error"
  | "network_error"
  | "timeout";
