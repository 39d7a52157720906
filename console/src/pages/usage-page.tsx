/**
 * Usage: requests and tokens per hour (or Pacific day) by model or by key, available keys over time, failures
 * by kind, and each key's work per day, all from the gateway's stored history (it survives restarts).
 */
import { useState } from "preact/hooks";
import { callApi, queryString } from "../api/admin-client.js";
import { FAILURE_KINDS, type History, type HistoryBucket } from "../api/types.js";
import { TimeChart } from "../components/time-chart.js";
import { currentValue, useAsync } from "../components/use-async.js";
import { t } from "../i18n/language.js";
import { alignSeries, bucketAxis, bucketTokens } from "./history-series.js";
import { KeysPerDayTable } from "./keys-per-day-table.js";

const RANGES = {
  "24h": { hours: 24, groupBy: "hour" },
  "7d": { hours: 24 * 7, groupBy: "hour" },
  "30d": { hours: 24 * 30, groupBy: "day" },
} as const;
type RangeName = keyof typeof RANGES;
const SERIES_LIMIT = 8;

function loadHistory(
  range: RangeName,
  by: "none" | "model" | "key",
  groupBy?: "hour" | "day",
): Promise<History> {
  const { hours, groupBy: rangeGroupBy } = RANGES[range];
  const to = new Date();
  const from = new Date(to.getTime() - hours * 3_600_000);
  return callApi<History>(
    "GET",
    `/admin/history${queryString({ from: from.toISOString(), to: to.toISOString(), groupBy: groupBy ?? rangeGroupBy, by })}`,
  );
}

function NoData() {
  return <p class="empty">{t("usage.noData")}</p>;
}

export function UsagePage() {
  const [range, setRange] = useState<RangeName>("24h");
  const [by, setBy] = useState<"model" | "key">("model");
  const [detailState] = useAsync(() => loadHistory(range, by), [range, by]);
  const [totalsState] = useAsync(() => loadHistory(range, "none"), [range]);
  const detail = currentValue(detailState);
  const totals = currentValue(totalsState);
  const failure =
    detailState.kind === "failed"
      ? detailState.message
      : totalsState.kind === "failed"
        ? totalsState.message
        : undefined;

  const nameOf = (bucket: HistoryBucket) =>
    (by === "model" ? bucket.model : bucket.keyId) ?? t("usage.unknown");
  const options = { limit: SERIES_LIMIT, otherLabel: t("usage.other") };
  // With no request in the period the charts say so rather than drawing flat zero lines.
  const requests = detail?.buckets.length
    ? alignSeries(detail.buckets, nameOf, (bucket) => bucket.requests, {
        ...options,
        axis: bucketAxis(detail),
      })
    : undefined;
  const tokens = detail?.buckets.length
    ? alignSeries(detail.buckets, nameOf, bucketTokens, { ...options, axis: bucketAxis(detail) })
    : undefined;
  const failures = totals?.buckets.length
    ? FAILURE_KINDS.map((kind) => ({
        kind,
        ...alignSeries(
          totals.buckets,
          () => t(`failure.${kind}`),
          (bucket) => bucket.failures[kind] ?? 0,
          { ...options, axis: bucketAxis(totals) },
        ),
      }))
    : [];
  const failureTimes = failures[0]?.times ?? [];
  const availability = totals?.availability ?? [];
  const periodOf = (history: History | undefined): [number, number] | undefined =>
    history ? [Date.parse(history.from), Date.parse(history.to)] : undefined;

  return (
    <section class="page" aria-labelledby="usage-title">
      <h1 id="usage-title">{t("usage.title")}</h1>
      <div class="toolbar">
        <fieldset class="segmented">
          <legend>{t("usage.range")}</legend>
          {(Object.keys(RANGES) as RangeName[]).map((name) => (
            <button key={name} type="button" aria-pressed={range === name} onClick={() => setRange(name)}>
              {t(`usage.range.${name}`)}
            </button>
          ))}
        </fieldset>
        <fieldset class="segmented">
          <legend>{t("usage.by")}</legend>
          <button type="button" aria-pressed={by === "model"} onClick={() => setBy("model")}>
            {t("usage.by.model")}
          </button>
          <button type="button" aria-pressed={by === "key"} onClick={() => setBy("key")}>
            {t("usage.by.key")}
          </button>
        </fieldset>
      </div>
      {RANGES[range].groupBy === "day" && <p class="muted">{t("usage.pacificDays")}</p>}
      {failure && <p class="error">{failure}</p>}
      <div class="charts">
        {requests?.times.length ? (
          <TimeChart
            testId="chart-requests"
            title={t("usage.chart.requests")}
            period={periodOf(detail)}
            pacificDays={detail?.groupBy === "day"}
            {...requests}
          />
        ) : (
          <NoData />
        )}
        {tokens?.times.length ? (
          <TimeChart
            testId="chart-tokens"
            title={t("usage.chart.tokens")}
            period={periodOf(detail)}
            pacificDays={detail?.groupBy === "day"}
            {...tokens}
          />
        ) : null}
        {availability.length ? (
          <TimeChart
            testId="chart-availability"
            title={t("usage.chart.availability")}
            period={periodOf(totals)}
            pacificDays={totals?.groupBy === "day"}
            times={availability.map((sample) => Date.parse(sample.time))}
            series={[
              {
                label: t("usage.availableAverage"),
                values: availability.map((sample) => sample.availableAverage ?? null),
              },
              { label: t("usage.available"), values: availability.map((sample) => sample.available) },
              { label: t("usage.total"), values: availability.map((sample) => sample.total) },
            ]}
            filled
          />
        ) : null}
        {failureTimes.length ? (
          <TimeChart
            testId="chart-failures"
            title={t("usage.chart.failures")}
            period={periodOf(totals)}
            pacificDays={totals?.groupBy === "day"}
            times={failureTimes}
            series={failures.map((entry) => ({
              label: t(`failure.${entry.kind}`),
              values: entry.series[0]?.values ?? [],
            }))}
          />
        ) : null}
      </div>
      <KeysPerDayTable />
    </section>
  );
}
