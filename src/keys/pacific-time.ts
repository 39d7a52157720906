/**
 * Gemini's daily quotas reset at midnight Pacific time (America/Los_Angeles, which observes daylight
 * saving: UTC-8 in winter, UTC-7 in summer). https://ai.google.dev/gemini-api/docs/rate-limits
 *
 * Hand-written rather than `Intl.DateTimeFormat({ timeZone })`: building one such formatter loads
 * ICU's time-zone and locale data, about 8 MB of resident memory (a tenth of the idle budget), for a
 * single zone whose rule fits in a few lines. The rule is the United States' since 2007: daylight
 * saving starts on the second Sunday of March at 02:00 local (10:00 UTC) and ends on the first Sunday
 * of November at 02:00 local (09:00 UTC). test/unit/keys/pacific-time.test.ts compares every hour of
 * 2007-2040 with ICU, so a change of the law shows there.
 */
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Day of the month of the `nth` Sunday of a month (month 0-11), in UTC calendar terms. */
function nthSunday(year: number, month: number, nth: number): number {
  const weekdayOfFirst = new Date(Date.UTC(year, month, 1)).getUTCDay();
  return 1 + ((7 - weekdayOfFirst) % 7) + (nth - 1) * 7;
}

/** Los Angeles' offset from UTC at `instant`, in hours: -7 in daylight saving time, else -8. */
function pacificOffsetHours(instant: number): number {
  const year = new Date(instant).getUTCFullYear();
  const starts = Date.UTC(year, 2, nthSunday(year, 2, 2), 10);
  const ends = Date.UTC(year, 10, nthSunday(year, 10, 1), 9);
  return instant >= starts && instant < ends ? -7 : -8;
}

/** The wall clock in Los Angeles at `instant`, as a Date whose UTC fields read that clock. */
export function pacificClock(instant: number): Date {
  return new Date(instant + pacificOffsetHours(instant) * HOUR_MS);
}

let cachedHour = Number.NaN;
let cachedDay = "";

/** The calendar day in Los Angeles, `YYYY-MM-DD`: the day a daily quota counts against. */
export function pacificDay(instant: number): string {
  // Los Angeles is a whole number of hours from UTC, so one UTC hour lies within one Pacific day.
  const hour = Math.floor(instant / HOUR_MS);
  if (hour !== cachedHour) {
    cachedDay = pacificClock(instant).toISOString().slice(0, 10);
    cachedHour = hour;
  }
  return cachedDay;
}

/** The instant at which it is 00:00 in Los Angeles on the calendar day that starts at UTC `date` (a UTC midnight). */
function pacificMidnightOf(date: number): number {
  // 00:00 in Los Angeles is 07:00 or 08:00 UTC of the same date; the offset changes at 09:00 or 10:00
  // UTC, never between, so exactly one of the two reads 00:00 on a Los Angeles clock.
  const candidate = date + 8 * HOUR_MS;
  return pacificOffsetHours(candidate) === -8 ? candidate : date + 7 * HOUR_MS;
}

let cachedDayStart = Number.NaN;
let cachedDayEnd = Number.NaN;

/**
 * The instant of the midnight in Los Angeles that starts the Pacific day holding `instant`: the start
 * of that day's quota, and of its bucket in the usage history. A day lasts 23 hours when daylight
 * saving starts and 25 when it ends; since Los Angeles is a whole number of hours from UTC, every
 * UTC hour lies within one Pacific day.
 */
export function pacificDayStart(instant: number): number {
  // The history folds thousands of rows of the same few days: remember the last day.
  if (instant >= cachedDayStart && instant < cachedDayEnd) return cachedDayStart;
  const clock = pacificClock(instant);
  const date = Date.UTC(clock.getUTCFullYear(), clock.getUTCMonth(), clock.getUTCDate());
  cachedDayStart = pacificMidnightOf(date);
  cachedDayEnd = pacificMidnightOf(date + DAY_MS);
  return cachedDayStart;
}

/** The first instant after `instant` at which it is 00:00 in Los Angeles. */
export function nextPacificMidnight(instant: number): number {
  const clock = pacificClock(instant);
  return pacificMidnightOf(Date.UTC(clock.getUTCFullYear(), clock.getUTCMonth(), clock.getUTCDate() + 1));
}
