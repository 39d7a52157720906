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
function pacificClock(instant: number): Date {
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

/** The first instant after `instant` at which it is 00:00 in Los Angeles. */
export function nextPacificMidnight(instant: number): number {
  const clock = pacificClock(instant);
  // Midnight of the next day is 07:00 or 08:00 UTC, depending on daylight saving at that moment.
  const nextDay = Date.UTC(clock.getUTCFullYear(), clock.getUTCMonth(), clock.getUTCDate() + 1);
  for (const offsetHours of [8, 7]) {
    const candidate = nextDay + offsetHours * HOUR_MS;
    if (pacificOffsetHours(candidate) === -offsetHours && candidate > instant) return candidate;
  }
  // Unreachable for America/Los_Angeles; fall back to 24 hours rather than never.
  return instant + DAY_MS;
}
