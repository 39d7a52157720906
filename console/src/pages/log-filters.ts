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
}

function statusMatches(status: number, wanted: string): boolean {
  if (!wanted) return true;
  const statusClass = wanted.match(/^([1-5])xx$/i);
  if (statusClass) return Math.floor(status / 100) === Number(statusClass[1]);
  return String(status) === wanted;
}

export function matchesLogFilters(row: LogRow, filters: LogFilters): boolean {
  return (
    statusMatches(row.status, filters.status.trim()) &&
    (!filters.model.trim() || row.model === filters.model.trim()) &&
    (!filters.keyId.trim() || row.keyId === filters.keyId.trim()) &&
    (!filters.route.trim() || row.route === filters.route.trim()) &&
    (!filters.protocol.trim() || row.protocol === filters.protocol.trim())
  );
}
