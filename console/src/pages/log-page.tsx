/**
 * Log: the gateway's request log, newest first, filtered on the server; "load more" follows the cursor.
 * While "live" is on, requests the server pushes that match the filters appear at the top.
 */
import { useEffect, useState } from "preact/hooks";
import { callApi, queryString } from "../api/admin-client.js";
import { onRequestEvent } from "../api/live-events.js";
import type { LogRow, RequestLogPage } from "../api/types.js";
import { useAsync } from "../components/use-async.js";
import { useDebounced } from "../components/use-debounced.js";
import { formatMilliseconds, formatNumber, formatTime } from "../i18n/format.js";
import { t } from "../i18n/language.js";
import { type LogFilters, logQuery, matchesLogFilters } from "./log-filters.js";

const PAGE_SIZE = 100;
const LIVE_ROWS_KEPT = 500;

function rowTokens(row: LogRow): number | undefined {
  if (!row.tokens) return undefined;
  return (row.tokens.prompt ?? 0) + (row.tokens.completion ?? 0) + (row.tokens.reasoning ?? 0);
}

function statusClass(status: number): string {
  if (status >= 500) return "status status-5xx";
  if (status === 429) return "status status-429";
  if (status >= 400) return "status status-4xx";
  return "status status-ok";
}

export function LogPage() {
  const [typed, setTyped] = useState<LogFilters>({
    status: "",
    model: "",
    keyId: "",
    route: "",
    protocol: "",
    from: "",
    to: "",
  });
  const filters = useDebounced(typed);
  const [live, setLive] = useState(true);
  const [older, setOlder] = useState<LogRow[]>([]);
  const [fresh, setFresh] = useState<LogRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loaded] = useAsync(
    () =>
      callApi<RequestLogPage>(
        "GET",
        `/admin/requests${queryString({ ...logQuery(filters), limit: PAGE_SIZE })}`,
      ),
    [filters],
  );
  useEffect(() => {
    setFresh([]);
    setOlder([]);
    setCursor(loaded.kind === "ready" ? loaded.value.nextCursor : null);
  }, [loaded]);
  useEffect(() => {
    if (!live) return;
    return onRequestEvent((row) => {
      if (matchesLogFilters(row, filters)) setFresh((rows) => [row, ...rows].slice(0, LIVE_ROWS_KEPT));
    });
  }, [live, filters]);

  const loadMore = async () => {
    if (!cursor) return;
    const page = await callApi<RequestLogPage>(
      "GET",
      `/admin/requests${queryString({ ...logQuery(filters), limit: PAGE_SIZE, cursor })}`,
    );
    setOlder((rows) => [...rows, ...page.rows]);
    setCursor(page.nextCursor);
  };
  const first = loaded.kind === "ready" ? loaded.value.rows : [];
  // A live row may also come back in a page loaded after it: show each request once.
  const seen = new Set<string>();
  const rows = [...fresh, ...first, ...older].filter((row) => {
    const id = String(row.id);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const set = (name: keyof LogFilters) => (event: { currentTarget: HTMLInputElement | HTMLSelectElement }) =>
    setTyped({ ...typed, [name]: event.currentTarget.value });

  return (
    <section class="page" aria-labelledby="log-title">
      <h1 id="log-title">{t("log.title")}</h1>
      <div class="toolbar">
        <select aria-label={t("log.filter.status")} value={typed.status} onChange={set("status")}>
          <option value="">{t("log.filter.allStatuses")}</option>
          <option value="2xx">2xx</option>
          <option value="4xx">4xx</option>
          <option value="429">429</option>
          <option value="5xx">5xx</option>
        </select>
        <input
          placeholder={t("log.filter.model")}
          aria-label={t("log.filter.model")}
          value={typed.model}
          onInput={set("model")}
        />
        <input
          placeholder={t("log.filter.key")}
          aria-label={t("log.filter.key")}
          value={typed.keyId}
          onInput={set("keyId")}
        />
        <input
          placeholder={t("log.filter.route")}
          aria-label={t("log.filter.route")}
          value={typed.route}
          onInput={set("route")}
        />
        <input
          placeholder={t("log.filter.protocol")}
          aria-label={t("log.filter.protocol")}
          value={typed.protocol}
          onInput={set("protocol")}
        />
        <label class="check">
          {t("log.filter.from")}
          <input type="datetime-local" value={typed.from} onInput={set("from")} />
        </label>
        <label class="check">
          {t("log.filter.to")}
          <input type="datetime-local" value={typed.to} onInput={set("to")} />
        </label>
        <label class="check">
          <input type="checkbox" checked={live} onChange={(event) => setLive(event.currentTarget.checked)} />
          {t("log.live")}
        </label>
      </div>
      {loaded.kind === "failed" && <p class="error">{loaded.message}</p>}
      <table class="grid" data-testid="log-table">
        <thead>
          <tr>
            <th>{t("log.column.time")}</th>
            <th>{t("log.column.route")}</th>
            <th>{t("log.column.protocol")}</th>
            <th>{t("log.column.model")}</th>
            <th>{t("log.column.key")}</th>
            <th class="number">{t("log.column.status")}</th>
            <th class="number">{t("log.column.attempts")}</th>
            <th class="number">{t("log.column.firstByte")}</th>
            <th class="number">{t("log.column.total")}</th>
            <th class="number">{t("log.column.tokens")}</th>
            <th>{t("log.column.error")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={String(row.id)} data-status={row.status} data-model={row.model ?? ""}>
              <td>{formatTime(row.time)}</td>
              <td>
                <code>{row.route}</code>
              </td>
              <td>{row.protocol}</td>
              <td>{row.model ?? "–"}</td>
              <td>{row.keyId ? <code>{row.keyId}</code> : "–"}</td>
              <td class="number">
                <span class={statusClass(row.status)}>{row.status}</span>
              </td>
              <td class="number">{row.attempts}</td>
              <td class="number">{formatMilliseconds(row.firstByteMs)}</td>
              <td class="number">{formatMilliseconds(row.totalMs)}</td>
              <td class="number">{formatNumber(rowTokens(row))}</td>
              <td class="last-error" title={row.error ?? ""}>
                {row.error ?? ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {loaded.kind === "ready" && rows.length === 0 && <p class="empty">{t("log.empty")}</p>}
      <div class="pager">
        <button type="button" disabled={!cursor} onClick={() => void loadMore()}>
          {t("log.more")}
        </button>
      </div>
    </section>
  );
}
