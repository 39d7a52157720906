/**
 * How much each key served per Pacific day (when Gemini's daily quotas reset), the busiest keys first:
 * the history by key and day, as a table.
 */
import { callApi, queryString } from "../api/admin-client.js";
import type { History } from "../api/types.js";
import { currentValue, useAsync } from "../components/use-async.js";
import { formatCompact, formatNumber } from "../i18n/format.js";
import { locale, t } from "../i18n/language.js";
import { bucketTokens, pacificDate } from "./history-series.js";

const DAYS = 7;
const ROWS = 50;

interface KeyDays {
  keyId: string;
  perDay: Map<string, { requests: number; tokens: number }>;
  requests: number;
}

export function KeysPerDayTable() {
  const [state] = useAsync(() => {
    const to = new Date();
    const from = new Date(to.getTime() - DAYS * 86_400_000);
    return callApi<History>(
      "GET",
      `/admin/history${queryString({ from: from.toISOString(), to: to.toISOString(), groupBy: "day", by: "key" })}`,
    );
  }, []);
  const history = currentValue(state);
  if (!history) return null;

  const days = [...new Set(history.buckets.map((bucket) => pacificDate(bucket.time)))].sort();
  const keys = new Map<string, KeyDays>();
  for (const bucket of history.buckets) {
    const keyId = bucket.keyId ?? t("usage.unknown");
    let entry = keys.get(keyId);
    if (!entry) {
      entry = { keyId, perDay: new Map(), requests: 0 };
      keys.set(keyId, entry);
    }
    const day = pacificDate(bucket.time);
    const cell = entry.perDay.get(day) ?? { requests: 0, tokens: 0 };
    cell.requests += bucket.requests;
    cell.tokens += bucketTokens(bucket);
    entry.perDay.set(day, cell);
    entry.requests += bucket.requests;
  }
  const ranked = [...keys.values()].sort((left, right) => right.requests - left.requests);
  // A Pacific date, read as a calendar date (the same in every time zone).
  const dayLabel = new Intl.DateTimeFormat(locale(), { month: "short", day: "numeric", timeZone: "UTC" });

  return (
    <section aria-labelledby="per-day-title">
      <h2 id="per-day-title">{t("usage.perDay.title")}</h2>
      <p class="muted">{t("usage.pacificDays")}</p>
      {ranked.length === 0 ? (
        <p class="empty">{t("usage.noData")}</p>
      ) : (
        <table class="grid" data-testid="per-day-table">
          <thead>
            <tr>
              <th>{t("usage.perDay.key")}</th>
              {days.map((day) => (
                <th key={day} class="number" title={day}>
                  {dayLabel.format(new Date(`${day}T00:00:00Z`))}
                </th>
              ))}
              <th class="number">{t("usage.perDay.total")}</th>
            </tr>
          </thead>
          <tbody>
            {ranked.slice(0, ROWS).map((entry) => (
              <tr key={entry.keyId} data-key-id={entry.keyId}>
                <td>
                  <code>{entry.keyId}</code>
                </td>
                {days.map((day) => {
                  const cell = entry.perDay.get(day);
                  return (
                    <td
                      key={day}
                      class="number"
                      title={cell ? t("usage.perDay.tokens", { tokens: formatNumber(cell.tokens) }) : ""}
                    >
                      {cell ? `${formatNumber(cell.requests)} · ${formatCompact(cell.tokens)}` : "–"}
                    </td>
                  );
                })}
                <td class="number">{formatNumber(entry.requests)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {ranked.length > ROWS && <p class="muted">{t("usage.perDay.more", { count: ranked.length - ROWS })}</p>}
    </section>
  );
}
