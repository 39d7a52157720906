/**
 * Pool: every key with its state, its rests per model (counting down), failures, last error and today's
 * work. Filtering, sorting and paging happen on the server, so 5,000 keys cost one page of rows here;
 * the server's pushed pool events update the rows in view.
 */
import { useEffect, useState } from "preact/hooks";
import { callApi, queryString } from "../api/admin-client.js";
import { onPoolEvent } from "../api/live-events.js";
import type { KeyPage, PoolKey } from "../api/types.js";
import { currentValue, useAsync } from "../components/use-async.js";
import { useDebounced } from "../components/use-debounced.js";
import { formatNumber } from "../i18n/format.js";
import { t } from "../i18n/language.js";
import type { MessageName } from "../i18n/messages-en.js";
import { notePoolCounts } from "../state/pool-counts.js";
import { KeyRow } from "./pool-key-row.js";

const PAGE_SIZE = 100;
type SortField = "id" | "state" | "requests" | "tokens" | "lastUsed";
const SORT_FIELDS: { field: SortField; message: MessageName }[] = [
  { field: "state", message: "pool.sort.state" },
  { field: "id", message: "pool.sort.id" },
  { field: "requests", message: "pool.sort.requests" },
  { field: "tokens", message: "pool.sort.tokens" },
  { field: "lastUsed", message: "pool.sort.lastUsed" },
];

export function PoolPage() {
  const [search, setSearch] = useState("");
  const [state, setState] = useState("");
  const [label, setLabel] = useState("");
  const [model, setModel] = useState("");
  const [sort, setSort] = useState<SortField>("state");
  const [order, setOrder] = useState<"asc" | "desc">("asc");
  // Cursors of the pages before this one, so "previous" can go back.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const query = useDebounced(search);
  const modelQuery = useDebounced(model);
  const [updates, setUpdates] = useState<Map<string, PoolKey>>(new Map());

  const filters = [query, state, label, modelQuery, sort, order];
  /** A new filter or order starts again at the first page. */
  const refine =
    <Value,>(set: (value: Value) => void) =>
    (value: Value) => {
      set(value);
      setCursors([null]);
    };
  const [loaded, reload] = useAsync(async () => {
    // Which page this answer is, so the range shown always belongs to the rows shown (also while the
    // next page is on its way).
    const pageIndex = cursors.length - 1;
    const answer = await callApi<KeyPage>(
      "GET",
      `/admin/keys${queryString({ q: query, state, label, model: modelQuery, sort, order, limit: PAGE_SIZE, cursor })}`,
    );
    notePoolCounts(answer.counts);
    return { ...answer, pageIndex };
  }, [...filters, cursor]);
  const page = currentValue(loaded);
  useEffect(() => setUpdates(new Map()), [page]);
  useEffect(
    () =>
      onPoolEvent((event) => {
        if (!event.keys?.length) return;
        setUpdates((previous) => {
          const next = new Map(previous);
          for (const key of event.keys ?? []) next.set(key.id, key);
          return next;
        });
      }),
    [],
  );

  const rows = page?.keys.map((key) => updates.get(key.id) ?? key) ?? [];
  const first = (page?.pageIndex ?? 0) * PAGE_SIZE;
  return (
    <section class="page" aria-labelledby="pool-title">
      <h1 id="pool-title">{t("pool.title")}</h1>
      <div class="toolbar">
        <input
          type="search"
          placeholder={t("pool.search")}
          aria-label={t("pool.search")}
          value={search}
          onInput={(event) => refine(setSearch)(event.currentTarget.value)}
        />
        <select
          aria-label={t("pool.filter.state")}
          value={state}
          onChange={(event) => refine(setState)(event.currentTarget.value)}
        >
          <option value="">{t("pool.filter.allStates")}</option>
          <option value="active">{t("state.active")}</option>
          <option value="cooling">{t("state.cooling")}</option>
          <option value="disabled">{t("state.disabled")}</option>
        </select>
        <select
          aria-label={t("pool.filter.label")}
          value={label}
          onChange={(event) => refine(setLabel)(event.currentTarget.value)}
        >
          <option value="">{t("pool.filter.allLabels")}</option>
          {(page?.labels ?? []).map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <input
          type="text"
          placeholder={t("pool.filter.model")}
          aria-label={t("pool.filter.model")}
          value={model}
          onInput={(event) => refine(setModel)(event.currentTarget.value)}
        />
        <select
          aria-label={t("pool.sort")}
          value={sort}
          onChange={(event) => refine(setSort)(event.currentTarget.value as SortField)}
        >
          {SORT_FIELDS.map(({ field, message }) => (
            <option key={field} value={field}>
              {t(message)}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => refine(setOrder)(order === "asc" ? "desc" : "asc")}>
          {order === "asc" ? t("pool.order.asc") : t("pool.order.desc")}
        </button>
      </div>
      {loaded.kind === "failed" && <p class="error">{loaded.message}</p>}
      <table class="grid" data-testid="pool-table">
        <thead>
          <tr>
            <th>{t("pool.column.key")}</th>
            <th>{t("pool.column.label")}</th>
            <th>{t("pool.column.state")}</th>
            <th>{t("pool.column.rests")}</th>
            <th class="number">{t("pool.column.failures")}</th>
            <th>{t("pool.column.lastError")}</th>
            <th class="number">{t("pool.column.todayRequests")}</th>
            <th class="number">{t("pool.column.todayTokens")}</th>
            <th>{t("pool.column.lastUsed")}</th>
            <th>{t("pool.column.actions")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((key) => (
            <KeyRow key={key.id} poolKey={key} changed={reload} />
          ))}
        </tbody>
      </table>
      {page && rows.length === 0 && <p class="empty">{t("pool.empty")}</p>}
      <div class="pager">
        <span>
          {page
            ? t("pool.range", {
                first: formatNumber(rows.length ? first + 1 : 0),
                last: formatNumber(first + rows.length),
                total: formatNumber(page.total),
              })
            : t("common.loading")}
        </span>
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t("common.previous")}
        </button>
        <button
          type="button"
          disabled={!page?.nextCursor}
          onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}
        >
          {t("common.next")}
        </button>
      </div>
    </section>
  );
}
