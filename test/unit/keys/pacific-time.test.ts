import { nextPacificMidnight, pacificDay, pacificDayStart } from "../../../src/keys/pacific-time.js";

describe("nextPacificMidnight", () => {
  test.each([
    // Winter (PST, UTC-8): 2026-01-15 10:00 PST → 2026-01-16 00:00 PST = 08:00 UTC.
    ["2026-01-15T18:00:00Z", "2026-01-16T08:00:00.000Z"],
    // Summer (PDT, UTC-7).
    ["2026-07-04T12:00:00Z", "2026-07-05T07:00:00.000Z"],
    // Just before midnight Pacific in summer: 23:59 PDT on the 4th is 06:59 UTC on the 5th.
    ["2026-07-05T06:59:00Z", "2026-07-05T07:00:00.000Z"],
    // Exactly at midnight the next reset is a day later.
    ["2026-07-05T07:00:00Z", "2026-07-06T07:00:00.000Z"],
    // The day daylight saving starts (2026-03-08, 02:00 PST → 03:00 PDT): that evening's midnight is PDT.
    ["2026-03-08T12:00:00Z", "2026-03-09T07:00:00.000Z"],
    // The night before it starts, midnight is still PST.
    ["2026-03-07T12:00:00Z", "2026-03-08T08:00:00.000Z"],
    // The day it ends (2026-11-01, 02:00 PDT → 01:00 PST): the next midnight is PST.
    ["2026-11-01T12:00:00Z", "2026-11-02T08:00:00.000Z"],
    ["2026-10-31T12:00:00Z", "2026-11-01T07:00:00.000Z"],
    // New year.
    ["2026-12-31T20:00:00Z", "2027-01-01T08:00:00.000Z"],
  ])("from %s the daily quota resets at %s", (now, expected) => {
    expect(new Date(nextPacificMidnight(Date.parse(now))).toISOString()).toBe(expected);
  });
});

describe("pacificDay", () => {
  test("uses the Los Angeles calendar day, not UTC's", () => {
    expect(pacificDay(Date.parse("2026-07-05T06:59:00Z"))).toBe("2026-07-04");
    expect(pacificDay(Date.parse("2026-07-05T07:00:00Z"))).toBe("2026-07-05");
  });
});

describe("pacificDayStart", () => {
  const iso = (instant: number) => new Date(instant).toISOString();
  test.each([
    // 05:00 UTC is still the evening before in Los Angeles (21:00 PST).
    ["2026-11-30T05:00:00Z", "2026-11-29T08:00:00.000Z"],
    ["2026-11-30T08:00:00Z", "2026-11-30T08:00:00.000Z"],
    ["2026-07-05T06:59:59Z", "2026-07-04T07:00:00.000Z"],
    ["2026-07-05T07:00:00Z", "2026-07-05T07:00:00.000Z"],
    // 2026-03-08, daylight saving starts: the day starts at 00:00 PST and its last hour at 23:00 PDT.
    ["2026-03-08T08:00:00Z", "2026-03-08T08:00:00.000Z"],
    ["2026-03-09T06:59:00Z", "2026-03-08T08:00:00.000Z"],
    ["2026-03-09T07:00:00Z", "2026-03-09T07:00:00.000Z"],
    // 2026-11-01, daylight saving ends: the day starts at 00:00 PDT and its last hour at 23:00 PST.
    ["2026-11-01T07:00:00Z", "2026-11-01T07:00:00.000Z"],
    ["2026-11-02T07:59:00Z", "2026-11-01T07:00:00.000Z"],
    ["2026-11-02T08:00:00Z", "2026-11-02T08:00:00.000Z"],
  ])("the Pacific day holding %s starts at %s", (instant, expected) => {
    expect(iso(pacificDayStart(Date.parse(instant)))).toBe(expected);
  });

  test("a day lasts 23 hours when daylight saving starts, 25 when it ends, else 24", () => {
    const hours = (day: string) => {
      const start = pacificDayStart(Date.parse(`${day}T12:00:00Z`));
      return (nextPacificMidnight(start) - start) / 3_600_000;
    };
    expect([hours("2026-03-07"), hours("2026-03-08"), hours("2026-03-09")]).toEqual([24, 23, 24]);
    expect([hours("2026-10-31"), hours("2026-11-01"), hours("2026-11-02")]).toEqual([24, 25, 24]);
  });
});

describe("the hand-written Los Angeles rule", () => {
  // ICU's zone data, which the module itself avoids loading (8 MB), is the reference here.
  const icu = new Intl.DateTimeFormat("en-CA", {
    timeZone: "America/Los_Angeles",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    hourCycle: "h23",
  });
  const icuDayAndHour = (instant: number) => {
    const parts = Object.fromEntries(icu.formatToParts(instant).map((part) => [part.type, part.value]));
    return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
  };

  test("agrees with ICU on the day and its start for every hour of 2007-2040, and on every midnight", () => {
    const hourMs = 3_600_000;
    const disagreements: string[] = [];
    for (let instant = Date.UTC(2007, 0, 1, 0, 30); instant < Date.UTC(2041, 0, 1); instant += hourMs) {
      const expected = icuDayAndHour(instant);
      if (pacificDay(instant) !== expected.day) disagreements.push(`${new Date(instant).toISOString()} day`);
      const start = pacificDayStart(instant);
      const startClock = icuDayAndHour(start);
      if (
        startClock.day !== expected.day ||
        startClock.hour !== 0 ||
        icuDayAndHour(start - 1).day === expected.day
      ) {
        disagreements.push(`${new Date(instant).toISOString()} day start`);
      }
      if (expected.hour === 0) {
        // The previous hour's next midnight is this hour's start.
        const midnight = instant - 30 * 60_000;
        if (nextPacificMidnight(midnight - hourMs) !== midnight) {
          disagreements.push(`${new Date(midnight).toISOString()} midnight`);
        }
      }
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
  });
});
