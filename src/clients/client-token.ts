import { z } from "zod";
import { isModelPattern, modelPatternMatcher } from "../gemini/model-aliases.js";
import { isClientTokenHash } from "./client-token-secret.js";

/** The limits a token may carry; each is optional (absent: unlimited). */
export interface ClientTokenLimits {
  /** Requests in any fixed minute window (see client-limits.ts). */
  readonly requestsPerMinute?: number;
  /** Requests per Pacific day (the pool's quota day). */
  readonly requestsPerDay?: number;
  /** Prompt and completion tokens per Pacific day, counted when each answer's usage is known. */
  readonly tokensPerDay?: number;
}

export const LIMIT_KINDS = ["requestsPerMinute", "requestsPerDay", "tokensPerDay"] as const;
export type LimitKind = (typeof LIMIT_KINDS)[number];

/** Where a token was declared: created through `/admin` (stored), or in `CLIENT_TOKENS_FILE`. */
export type ClientTokenSource = "admin" | "file";

/** A named client token, as stored: the secret itself is never kept, only its hash. */
export interface ClientToken {
  /** Unique; the token's id in routes, logs, history and metric labels. */
  readonly name: string;
  readonly secretHash: string;
  /** Allowed model patterns (`MODEL_ALIASES` syntax), matched against the Gemini model; empty: any. */
  readonly models: readonly string[];
  readonly limits: ClientTokenLimits;
  /** Epoch milliseconds after which the token is refused; undefined: never. */
  readonly expiresAt?: number;
  readonly enabled: boolean;
  /** Epoch milliseconds when it was revoked; a revoked token is refused for good. */
  readonly revokedAt?: number;
  readonly createdAt: number;
  readonly source: ClientTokenSource;
}

/** At most this many tokens: their names are metric labels, whose number must stay bounded. */
export const MAX_CLIENT_TOKENS = 1_000;
/** Limits above this are a typo, not a limit. */
const MAX_LIMIT = 1_000_000_000_000;
const MAX_MODEL_PATTERNS = 100;

/** Label-safe, log-safe, URL-safe: letters, digits, `.`, `_`, `-`, up to 64 characters. */
export const tokenNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    "a token name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit",
  );

const limitSchema = z
  .number()
  .int("a limit is a whole number")
  .positive("a limit is greater than 0")
  .max(MAX_LIMIT, `a limit is at most ${MAX_LIMIT}`);

export const limitsSchema = z
  .object({
    requestsPerMinute: limitSchema.nullish(),
    requestsPerDay: limitSchema.nullish(),
    tokensPerDay: limitSchema.nullish(),
  })
  .strict();

export const modelPatternsSchema = z
  .array(z.string().refine(isModelPattern, "a model pattern is a model name with optional '*' wildcards"))
  .max(MAX_MODEL_PATTERNS, `at most ${MAX_MODEL_PATTERNS} model patterns`);

/** An ISO 8601 time (`2026-01-31T00:00:00Z`), or null for none. */
export const expirySchema = z.iso
  .datetime({ offset: true, message: "an expiry is an ISO 8601 time such as 2026-01-31T00:00:00Z" })
  .nullish();

export const secretHashSchema = z
  .string()
  .refine(isClientTokenHash, "secretHash is 'sha256:' and 64 hex digits (npm run token:new prints one)");

/** Limits as given (null or absent: none), without the absent ones. */
export function limitsOf(input: z.infer<typeof limitsSchema> | undefined): ClientTokenLimits {
  const limits: { -readonly [kind in LimitKind]?: number } = {};
  for (const kind of LIMIT_KINDS) {
    const value = input?.[kind];
    if (typeof value === "number") limits[kind] = value;
  }
  return limits;
}

/** Whether a token may ask for the Gemini model `model` (an empty list allows every model). */
export function allowsModel(token: Pick<ClientToken, "models">, model: string): boolean {
  if (token.models.length === 0) return true;
  return token.models.some((pattern) => modelPatternMatcher(pattern).test(model));
}

/** Why a token is refused now, or undefined when it may be used. */
export function refusalOf(token: ClientToken, now: number): "revoked" | "disabled" | "expired" | undefined {
  if (token.revokedAt !== undefined) return "revoked";
  if (!token.enabled) return "disabled";
  if (token.expiresAt !== undefined && now >= token.expiresAt) return "expired";
  return undefined;
}
