/**
 * The Log page's filters, and whether a request pushed live matches them the way the server's own
 * filter would (so live rows never show what a reload would hide).
 */
import type { LogRow } from "../api/types.js";

export interface LogFilters {
  /** `200`, `429`, or a class such as `4xx`. */
  status: string;
  model: string;
  keyId: string;
  route: string;
  protocol: string;
  /** As a `datetime-local` field holds it (`2026-11-30T09:30`, this browser's time zone), or empty. */
  from: string;
  to: string;
}

/** A `datetime-local` value as milliseconds, or undefined when empty or unreadable. */
function localTime(value: string): number | undefined {
  if (!value.trim()) return undefined;
  const time = new Date(value.trim()).getTime();
  return Number.isNaN(time) ? undefined : time;
}

/** The filters as `/admin/requests` takes them (times in ISO 8601, empty fields left out by the caller). */
export function logQuery(filters: LogFilters): Record<string, string | undefined> {
  const from = localTime(filters.from);
  const to = localTime(filters.to);
  return {
    status: filters.status.trim(),
    model: filters.model.trim(),
    keyId: filters.keyId.trim(),
    route: filters.route.trim(),
    protocol: filters.protocol.trim(),
    from: from === undefined ? undefined : new Date(from).toISOString(),
    to: to === undefined ? undefined : new Date(to).toISOString(),
  };
}

function statusMatches(status: number, wanted: string): boolean {
  if (!wanted) return true;
  const statusClass = wanted.match(/^([1-5])xx$/i);
  if (statusClass) return Math.floor(status / 100) === Number(statusClass[1]);
  return String(status) === wanted;
}

export function matchesLogFilters(row: LogRow, filters: LogFilters): boolean {
  const time = Date.parse(row.time);
  const from = localTime(filters.from);
  const to = localTime(filters.to);
  return (
    (from === undefined || time >= from) &&
    (to === undefined || time <= to) &&
    statusMatches(row.status, filters.status.trim()) &&
    (!filters.model.trim() || row.model === filters.model.trim()) &&
    (!filters.keyId.trim() || row.keyId === filters.keyId.trim()) &&
    (!filters.route.trim() || row.route === filters.route.trim()) &&
    (!filters.protocol.trim() || row.protocol === filters.protocol.trim())
  );
}
