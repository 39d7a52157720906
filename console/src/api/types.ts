/**
 * The shapes the console reads from /admin and /console/api, as the gateway documents them. Only the
 * fields the console shows are declared; anything else the server adds is ignored.
 */

export type KeyState = "active" | "cooling" | "disabled";

export interface Cooldown {
  model: string;
  until: string;
  reason: string;
}

export interface TodayUsage {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  cachedTokens: number;
  failures: number;
}

export interface PoolKey {
  id: string;
  /** Masked, e.g. `AIzaSy…Xk3f`: the console never sees a whole key. */
  key: string;
  source?: string;
  isAvailable: boolean;
  state: KeyState;
  stateReason?: string | null;
  failureCount: number;
  lastUsed: string | null;
  lastError: string | null;
  requests: number;
  cooldowns?: Cooldown[];
  disabledReason?: string | null;
  nextProbeAt?: string | null;
  label: string | null;
  today?: TodayUsage;
}

export interface PoolCounts {
  active: number;
  cooling: number;
  disabled: number;
  available: number;
}

export interface KeyPage {
  total: number;
  counts: PoolCounts;
  labels?: string[];
  keys: PoolKey[];
  nextCursor: string | null;
}

export interface ImportedKey {
  id: string;
  key: string;
  label: string | null;
}

export interface ImportResult {
  added: ImportedKey[];
  present: ImportedKey[];
  malformed: { line: number; reason: string }[];
}

export const CHECK_VERDICTS = [
  "valid",
  "invalid",
  "suspended",
  "quota_exhausted",
  "model_unavailable",
  "rate_limited",
  "error",
] as const;
export type CheckVerdict = (typeof CHECK_VERDICTS)[number];

export interface CheckResult {
  id: string;
  key: string;
  label: string | null;
  verdict: CheckVerdict;
  model: string;
  detail: string | null;
}

export interface CheckProgress {
  done: number;
  total: number;
  result: CheckResult;
}

export type VerdictCounts = Record<CheckVerdict, number>;

export interface CheckDone {
  total: number;
  counts: VerdictCounts;
}

export const FAILURE_KINDS = ["rate_limited", "quota", "invalid", "server", "timeout"] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface HistoryBucket {
  time: string;
  model?: string;
  keyId?: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  cachedTokens: number;
  failures: Partial<Record<FailureKind, number>>;
}

export interface AvailabilitySample {
  time: string;
  /** The fewest available keys seen in the bucket. */
  available: number;
  availableAverage?: number;
  total: number;
}

export interface History {
  from: string;
  to: string;
  groupBy: "hour" | "day";
  buckets: HistoryBucket[];
  availability: AvailabilitySample[];
}

export interface LogRow {
  id: string | number;
  time: string;
  route: string;
  protocol: string;
  model: string | null;
  keyId: string | null;
  /** The client token the request came with (by name), or null for ACCESS_TOKEN or none. */
  clientToken?: string | null;
  status: number;
  attempts: number;
  firstByteMs: number | null;
  totalMs: number | null;
  tokens: { prompt?: number; completion?: number; reasoning?: number; cached?: number } | null;
  error: string | null;
}

export interface RequestLogPage {
  rows: LogRow[];
  nextCursor: string | null;
}

export interface Session {
  authenticated: boolean;
  tokenRequired: boolean;
  csrf?: string;
}

export interface PoolEvent {
  counts: PoolCounts;
  keys?: PoolKey[];
}

/** Client tokens changed: the one named, or several (no name). */
export interface TokensEvent {
  name?: string;
}

/** Why a client token is refused, or "active" (see /admin/tokens). */
export type ClientTokenState = "active" | "disabled" | "revoked" | "expired";

export const TOKEN_LIMIT_KINDS = ["requestsPerMinute", "requestsPerDay", "tokensPerDay"] as const;
export type TokenLimitKind = (typeof TOKEN_LIMIT_KINDS)[number];
/** A limit's value, or null for none. */
export type TokenLimits = Record<TokenLimitKind, number | null>;

export interface ClientTokenCounters {
  requests: number;
  refused: number;
  totalTokens: number;
}

/** A named client token as /admin/tokens shows it (never its secret). */
export interface ClientTokenView {
  name: string;
  /** "file": declared in CLIENT_TOKENS_FILE, which the admin API cannot change. */
  source: "admin" | "file";
  state: ClientTokenState;
  enabled: boolean;
  /** Allowed model patterns; empty: every model. */
  models: string[];
  limits: TokenLimits;
  expiresAt: string | null;
  revokedAt: string | null;
  createdAt: string | null;
  /** Since midnight Pacific, the quota day. */
  today: ClientTokenCounters;
}

export interface CreatedClientToken {
  token: ClientTokenView;
  /** Shown in this answer only: the gateway keeps its hash. */
  secret: string;
}
