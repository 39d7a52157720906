import type { Redis } from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import { nextPacificMidnight, pacificDay } from "../keys/pacific-time.js";
import type { ClientToken, LimitKind } from "./client-token.js";

/** How much of one limit a token has used in the current window (a minute, or the Pacific day). */
export interface LimitUsage {
  kind: LimitKind;
  used: number;
  limit: number;
}

export type Admission =
  | { admitted: true; usage: LimitUsage[] }
  | { admitted: false; limit: LimitKind; limitValue: number; retryAfterMs: number; usage: LimitUsage[] };

const MINUTE_SECONDS = 60;
const DAY_COUNTER_SECONDS = 25 * 3_600;
/** Above any limit a token may have (`client-token.ts` caps them far lower). */
const COUNTER_CEILING = Number.MAX_SAFE_INTEGER;
const PREFIX = "gemini-rotator:limits";

/**
 * Each client token's counters for its limits, in this process or (with `REDIS_URL`) in Redis so that
 * every replica counts against the same numbers. The counting is rate-limiter-flexible's (atomic
 * increments with expiry; in memory when Redis fails, so limits still hold per replica); the limiters
 * only count (their own ceiling is never reached) and each token's limit is compared here, so one
 * counter per kind serves every token and a changed limit keeps the count so far:
 * - requests per minute: fixed one-minute windows that open with a token's first request, so at most
 *   twice the limit can pass in the minute around the edge of two windows;
 * - requests per day and tokens per day: per Pacific day, the day the pool's quotas count against, so
 *   a token's day and its keys' day turn together (at midnight in Los Angeles).
 * A request is admitted when every limit has room; a refused one takes nothing. Tokens are added once
 * an answer's usage is known, so a request admitted under the daily token limit may finish over it;
 * the next one is then refused until the day turns.
 */
export class ClientLimits {
  private readonly perMinute: RateLimiterAbstract;
  private readonly requestsPerDay: RateLimiterAbstract;
  private readonly tokensPerDay: RateLimiterAbstract;

  constructor(
    private readonly options: {
      redis: Redis | undefined;
      /** The clock of day boundaries (rate-limiter-flexible keeps its own for expiries). */
      now: () => number;
    },
  ) {
    this.perMinute = counter("rpm", MINUTE_SECONDS, options.redis);
    // Day counters live until a little after the day ends; each day has its own key anyway.
    this.requestsPerDay = counter("rpd", DAY_COUNTER_SECONDS, options.redis);
    this.tokensPerDay = counter("tpd", DAY_COUNTER_SECONDS, options.redis);
  }

  /** Takes one request from each of the token's request limits, if every limit has room. */
  async admit(token: ClientToken): Promise<Admission> {
    const now = this.options.now();
    const day = pacificDay(now);
    const untilMidnight = nextPacificMidnight(now) - now;
    const dayOptions = { customDuration: secondsUntil(untilMidnight) };
    const { requestsPerMinute, requestsPerDay, tokensPerDay } = token.limits;
    const minuteKey = token.name;
    const dayKey = `${token.name}:${day}`;
    const usage: LimitUsage[] = [];

    if (tokensPerDay !== undefined) {
      const spent = (await this.tokensPerDay.get(dayKey))?.consumedPoints ?? 0;
      usage.push({ kind: "tokensPerDay", used: spent, limit: tokensPerDay });
      if (spent >= tokensPerDay) return refused("tokensPerDay", tokensPerDay, untilMidnight, usage);
    }
    if (requestsPerMinute !== undefined) {
      const taken = await this.perMinute.consume(minuteKey, 1);
      usage.push({ kind: "requestsPerMinute", used: taken.consumedPoints, limit: requestsPerMinute });
      if (taken.consumedPoints > requestsPerMinute) {
        await this.perMinute.reward(minuteKey, 1);
        return refused("requestsPerMinute", requestsPerMinute, taken.msBeforeNext, usage);
      }
    }
    if (requestsPerDay !== undefined) {
      const taken = await this.requestsPerDay.consume(dayKey, 1, dayOptions);
      usage.push({ kind: "requestsPerDay", used: taken.consumedPoints, limit: requestsPerDay });
      if (taken.consumedPoints > requestsPerDay) {
        await this.requestsPerDay.reward(dayKey, 1);
        if (requestsPerMinute !== undefined) await this.perMinute.reward(minuteKey, 1);
        return refused("requestsPerDay", requestsPerDay, untilMidnight, usage);
      }
    }
    return { admitted: true, usage };
  }

  /** Adds an answer's tokens to the token's day; answers the day's total against its limit. */
  async addTokens(token: ClientToken, tokens: number): Promise<LimitUsage | undefined> {
    const limit = token.limits.tokensPerDay;
    if (limit === undefined || tokens <= 0) return undefined;
    const now = this.options.now();
    const result = await this.tokensPerDay.penalty(`${token.name}:${pacificDay(now)}`, tokens, {
      customDuration: secondsUntil(nextPacificMidnight(now) - now),
    });
    return { kind: "tokensPerDay", used: result.consumedPoints, limit };
  }
}

/** A counter that never refuses by itself (its ceiling is out of reach): the token's limit decides. */
function counter(kind: string, duration: number, redis: Redis | undefined): RateLimiterAbstract {
  const keyPrefix = `${PREFIX}:${kind}`;
  const memory = new RateLimiterMemory({ keyPrefix, points: COUNTER_CEILING, duration });
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points: COUNTER_CEILING,
    duration,
    // Without Redis at hand, count in this process rather than wait or refuse.
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
}

function refused(limit: LimitKind, limitValue: number, retryAfterMs: number, usage: LimitUsage[]): Admission {
  return { admitted: false, limit, limitValue, retryAfterMs: Math.max(retryAfterMs, 1), usage };
}

function secondsUntil(milliseconds: number): number {
  return Math.max(1, Math.ceil(milliseconds / 1000) + 60);
}
