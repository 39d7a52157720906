/**
 * Gemini's daily quotas reset at midnight Pacific time (America/Los_Angeles, which observes daylight
 * saving: UTC-8 in winter, UTC-7 in summer). https://ai.google.dev/gemini-api/docs/rate-limits
 */
const pacificDateFormat = new Intl.DateTimeFormat("en-CA", {
  timeZone: "America/Los_Angeles",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

interface PacificClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function pacificClock(instant: number): PacificClock {
  const parts: Record<string, number> = {};
  for (const part of pacificDateFormat.formatToParts(instant)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
  };
}

const HOUR_MS = 3_600_000;
let cachedHour = Number.NaN;
let cachedDay = "";

/** The calendar day in Los Angeles, `YYYY-MM-DD`: the day a daily quota counts against. */
export function pacificDay(instant: number): string {
  // Los Angeles is a whole number of hours from UTC, so one UTC hour lies within one Pacific day;
  // caching by hour spares the time-zone formatter on every request.
  const hour = Math.floor(instant / HOUR_MS);
  if (hour !== cachedHour) {
    const { year, month, day } = pacificClock(instant);
    cachedDay = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
    cachedHour = hour;
  }
  return cachedDay;
}

/** The first instant after `instant` at which it is 00:00 in Los Angeles. */
export function nextPacificMidnight(instant: number): number {
  const today = pacificClock(instant);
  // Midnight of the next day is 07:00 or 08:00 UTC, depending on daylight saving on that day.
  for (const offsetHours of [8, 7]) {
    const candidate = Date.UTC(today.year, today.month - 1, today.day + 1, offsetHours);
    const clock = pacificClock(candidate);
    if (clock.hour === 0 && clock.minute === 0 && candidate > instant) return candidate;
  }
  // Unreachable for America/Los_Angeles; fall back to 24 hours rather than never.
  return instant + 24 * 60 * 60 * 1000;
}
