/** The Usage page's chart lines, from the history buckets the gateway answers. */
import type { HistoryBucket } from "../../../console/src/api/types.js";
import {
  alignSeries,
  bucketAxis,
  bucketTokens,
  pacificDate,
} from "../../../console/src/pages/history-series.js";

function bucket(time: string, model: string, requests: number): HistoryBucket {
  return {
    time,
    model,
    requests,
    promptTokens: requests * 10,
    completionTokens: requests * 2,
    reasoningTokens: requests,
    cachedTokens: requests * 5,
    failures: {},
  };
}

const byModel = (entry: HistoryBucket) => entry.model ?? "?";
const requests = (entry: HistoryBucket) => entry.requests;

describe("alignSeries", () => {
  test("one line per model on one time axis, quiet hours as zero", () => {
    const aligned = alignSeries(
      [
        bucket("2026-11-30T10:00:00.000Z", "gemini-2.5-flash", 4),
        bucket("2026-11-30T08:00:00.000Z", "gemini-2.5-flash", 1),
        bucket("2026-11-30T10:00:00.000Z", "gemini-2.5-pro", 2),
      ],
      byModel,
      requests,
      { limit: 8, otherLabel: "other" },
    );
    expect(aligned.times).toEqual([
      Date.parse("2026-11-30T08:00:00.000Z"),
      Date.parse("2026-11-30T10:00:00.000Z"),
    ]);
    expect(aligned.series).toEqual([
      { label: "gemini-2.5-flash", values: [1, 4] },
      { label: "gemini-2.5-pro", values: [0, 2] },
    ]);
  });

  test("past the limit, the smallest lines are summed into one", () => {
    const time = "2026-11-30T10:00:00.000Z";
    const aligned = alignSeries(
      [bucket(time, "a", 9), bucket(time, "b", 1), bucket(time, "c", 5), bucket(time, "d", 2)],
      byModel,
      requests,
      { limit: 2, otherLabel: "other" },
    );
    expect(aligned.series).toEqual([
      { label: "a", values: [9] },
      { label: "c", values: [5] },
      { label: "other", values: [3] },
    ]);
  });

  test("with an axis, hours without requests are zeros on the line", () => {
    const axis = bucketAxis({
      from: "2026-11-30T07:30:00.000Z",
      to: "2026-11-30T10:00:00.000Z",
      groupBy: "hour",
    });
    const aligned = alignSeries([bucket("2026-11-30T09:00:00.000Z", "a", 2)], byModel, requests, {
      limit: 8,
      otherLabel: "other",
      axis,
    });
    expect(aligned.times.map((time) => new Date(time).toISOString())).toEqual([
      "2026-11-30T07:00:00.000Z",
      "2026-11-30T08:00:00.000Z",
      "2026-11-30T09:00:00.000Z",
      "2026-11-30T10:00:00.000Z",
    ]);
    expect(aligned.series).toEqual([{ label: "a", values: [0, 0, 2, 0] }]);
  });

  test("a bucket with an unreadable time is left out rather than breaking the chart", () => {
    const aligned = alignSeries([bucket("yesterday", "a", 3)], byModel, requests, {
      limit: 8,
      otherLabel: "other",
    });
    expect(aligned).toEqual({ times: [], series: [] });
  });
});

test("the axis of a period in days steps from midnight Pacific to midnight Pacific, as the gateway's day buckets", () => {
  const axis = (from: string, to: string) =>
    bucketAxis({ from, to, groupBy: "day" }).map((time) => new Date(time).toISOString());
  // 15:00 UTC on the 28th is 07:00 PST: that day started at 08:00 UTC.
  expect(axis("2026-11-28T15:00:00.000Z", "2026-11-30T01:00:00.000Z")).toEqual([
    "2026-11-28T08:00:00.000Z",
    "2026-11-29T08:00:00.000Z",
  ]);
  // Across the end of daylight saving (2026-11-01 lasts 25 hours).
  expect(axis("2026-10-31T12:00:00.000Z", "2026-11-02T12:00:00.000Z")).toEqual([
    "2026-10-31T07:00:00.000Z",
    "2026-11-01T07:00:00.000Z",
    "2026-11-02T08:00:00.000Z",
  ]);
  expect(bucketAxis({ from: "later", to: "2026-11-30T01:00:00.000Z", groupBy: "day" })).toEqual([]);
});

test("a day bucket is labelled with its Pacific date", () => {
  expect(pacificDate("2026-11-30T08:00:00.000Z")).toBe("2026-11-30");
  expect(pacificDate(Date.parse("2026-07-05T07:00:00.000Z"))).toBe("2026-07-05");
});

test("a bucket's tokens are prompt, completion and reasoning (cached tokens are part of the prompt)", () => {
  expect(bucketTokens(bucket("2026-11-30T10:00:00.000Z", "a", 3))).toBe(39);
});
