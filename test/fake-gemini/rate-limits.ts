/**
 * Optional free-tier limits: requests per minute and per day, counted per key and model (each fake key
 * stands for one Google project). Minute windows restart at second :00; days at 00:00
 * America/Los_Angeles, so DST is handled by the time zone database (reference §9).
 */
import { geminiErrors } from "./errors.js";
import type { ErrorReply, FakeRateLimit } from "./types.js";

interface Window {
  minute: number;
  minuteCount: number;
  day: string;
  dayCount: number;
}

const pacificDate = new Intl.DateTimeFormat("en-CA", {
  timeZone: "America/Los_Angeles",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

export class RateLimiter {
  readonly #limits: Readonly<Record<string, FakeRateLimit>>;
  readonly #now: () => number;
  readonly #windows = new Map<string, Window>();

  constructor(limits: Readonly<Record<string, FakeRateLimit>>, now: () => number) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Counts the request, or returns the 429 Google would answer instead (a refused request is not counted). */
  admit(key: string, model: string): ErrorReply | undefined {
    const limit = this.#limits[model] ?? this.#limits["*"];
    if (!limit || (limit.rpm === undefined && limit.rpd === undefined)) return undefined;
    const nowMs = this.#now();
    const minute = Math.floor(nowMs / 60_000);
    const day = pacificDate.format(nowMs);
    const windowKey = `${key}\u0000${model}`;
    let window = this.#windows.get(windowKey);
    if (!window) {
      window = { minute, minuteCount: 0, day, dayCount: 0 };
      this.#windows.set(windowKey, window);
    }
    if (window.minute !== minute) Object.assign(window, { minute, minuteCount: 0 });
    if (window.day !== day) Object.assign(window, { day, dayCount: 0 });

    const secondsToNextMinute = (60_000 - (nowMs % 60_000)) / 1000;
    if (limit.rpd !== undefined && window.dayCount >= limit.rpd) {
      return geminiErrors.quotaPerDay({ model, limit: limit.rpd, retryDelay: secondsToNextMinute });
    }
    if (limit.rpm !== undefined && window.minuteCount >= limit.rpm) {
      return geminiErrors.rateLimitPerMinute({ model, limit: limit.rpm, retryDelay: secondsToNextMinute });
    }
    window.minuteCount++;
    window.dayCount++;
    return undefined;
  }

  clear(): void {
    this.#windows.clear();
  }
}
