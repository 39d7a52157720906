import type { Redis } from "ioredis";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";
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
const PREFIX = "gemini-rotator:limits";

/**
 * Each client token's counters for its limits, in this process or (with `REDIS_URL`) in Redis so that
 * every replica counts against the same numbers. The counting is rate-limiter-flexible's (atomic
 * increments with expiry; in memory when Redis fails, so limits still hold per replica):
 * - requests per minute: fixed one-minute windows that open with a token's first request, so at most
 *   twice the limit can pass in the minute around the edge of two windows;
 * - requests per day and tokens per day: per Pacific day, the day the pool's quotas count against, so
 *   a token's day and its keys' day turn together (at midnight in Los Angeles).
 * A request is admitted when every limit has room; a refused one takes nothing. Tokens are added once
 * an answer's usage is known, so a request admitted under the daily token limit may finish over it;
 * the next one is then refused until the day turns.
 */
export class ClientLimits {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(
    private readonly options: {
      redis: Redis | undefined;
      /** The clock of day boundaries (rate-limiter-flexible keeps its own for expiries). */
      now: () => number;
    },
  ) {}

  /** Takes one request from each of the token's request limits, if every limit has room. */
  async admit(token: ClientToken): Promise<Admission> {
    const now = this.options.now();
    const day = pacificDay(now);
    const untilMidnight = nextPacificMidnight(now) - now;
    const { requestsPerMinute, requestsPerDay, tokensPerDay } = token.limits;
    const usage: LimitUsage[] = [];

    if (tokensPerDay !== undefined) {
      const spent =
        (await this.limiter("tpd", tokensPerDay).get(`${token.name}:${day}`))?.consumedPoints ?? 0;
      usage.push({ kind: "tokensPerDay", used: spent, limit: tokensPerDay });
      if (spent >= tokensPerDay) {
        return refused("tokensPerDay", tokensPerDay, untilMidnight, usage);
      }
    }
    const minuteKey = token.name;
    if (requestsPerMinute !== undefined) {
      const limiter = this.limiter("rpm", requestsPerMinute);
      const taken = await take(limiter, minuteKey);
      usage.push({ kind: "requestsPerMinute", used: taken.result.consumedPoints, limit: requestsPerMinute });
      if (!taken.ok) {
        await limiter.reward(minuteKey, 1);
        return refused("requestsPerMinute", requestsPerMinute, taken.result.msBeforeNext, usage);
      }
    }
    if (requestsPerDay !== undefined) {
      const limiter = this.limiter("rpd", requestsPerDay);
      const dayKey = `${token.name}:${day}`;
      const taken = await take(limiter, dayKey, secondsUntil(untilMidnight));
      usage.push({ kind: "requestsPerDay", used: taken.result.consumedPoints, limit: requestsPerDay });
      if (!taken.ok) {
        await limiter.reward(dayKey, 1);
        if (requestsPerMinute !== undefined)
          await this.limiter("rpm", requestsPerMinute).reward(minuteKey, 1);
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
    const result = await this.limiter("tpd", limit).penalty(`${token.name}:${pacificDay(now)}`, tokens, {
      customDuration: secondsUntil(nextPacificMidnight(now) - now),
    });
    return { kind: "tokensPerDay", used: result.consumedPoints, limit };
  }

  /** One limiter per kind and size (rate-limiter-flexible fixes the size per limiter); keys are shared. */
  private limiter(kind: "rpm" | "rpd" | "tpd", points: number): RateLimiterAbstract {
    const id = `${kind}:${points}`;
    let limiter = this.limiters.get(id);
    if (limiter) return limiter;
    // Day counters live until a little after the day ends; each day has its own key anyway.
    const duration = kind === "rpm" ? MINUTE_SECONDS : 25 * 3_600;
    const keyPrefix = `${PREFIX}:${kind}`;
    const memory = new RateLimiterMemory({ keyPrefix, points, duration });
    limiter = this.options.redis
      ? new RateLimiterRedis({
          storeClient: this.options.redis,
          keyPrefix,
          points,
          duration,
          // Without Redis at hand, count in this process rather than wait or refuse.
          rejectIfRedisNotReady: true,
          insuranceLimiter: memory,
        })
      : memory;
    this.limiters.set(id, limiter);
    return limiter;
  }
}

function refused(limit: LimitKind, limitValue: number, retryAfterMs: number, usage: LimitUsage[]): Admission {
  return { admitted: false, limit, limitValue, retryAfterMs: Math.max(retryAfterMs, 1), usage };
}

function secondsUntil(milliseconds: number): number {
  return Math.max(1, Math.ceil(milliseconds / 1000) + 60);
}

/** rate-limiter-flexible rejects with the counters when a limit is full, and with an Error when it failed. */
async function take(
  limiter: RateLimiterAbstract,
  key: string,
  customDuration?: number,
): Promise<{ ok: boolean; result: RateLimiterRes }> {
  try {
    const result = await limiter.consume(key, 1, customDuration === undefined ? {} : { customDuration });
    return { ok: true, result };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { ok: false, result: rejection };
    throw rejection;
  }
}
