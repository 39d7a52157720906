/** Numbers, times and durations in the operator's language. */
import { locale, t } from "./language.js";

export function formatNumber(value: number | undefined | null): string {
  if (value === undefined || value === null) return "–";
  return new Intl.NumberFormat(locale()).format(value);
}

/** 1.2k, 3.4M: for token counts in narrow table cells. */
export function formatCompact(value: number | undefined | null): string {
  if (value === undefined || value === null) return "–";
  return new Intl.NumberFormat(locale(), { notation: "compact", maximumFractionDigits: 1 }).format(value);
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "–";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: "short", timeStyle: "medium" }).format(date);
}

/** "3 min ago" from the clock's `nowMs`. */
export function formatAgo(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return t("common.never");
  const milliseconds = new Date(iso).getTime();
  if (Number.isNaN(milliseconds)) return iso;
  const seconds = Math.round((milliseconds - nowMs) / 1000);
  const format = new Intl.RelativeTimeFormat(locale(), { numeric: "auto" });
  const magnitude = Math.abs(seconds);
  if (magnitude < 60) return format.format(seconds, "second");
  if (magnitude < 3600) return format.format(Math.round(seconds / 60), "minute");
  if (magnitude < 86_400) return format.format(Math.round(seconds / 3600), "hour");
  return format.format(Math.round(seconds / 86_400), "day");
}

/** A countdown such as `4:05` or `2:13:07`; `0:00` once the moment has passed. */
export function formatCountdown(untilMs: number, nowMs: number): string {
  const total = Math.max(0, Math.ceil((untilMs - nowMs) / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

export function formatMilliseconds(value: number | null | undefined): string {
  if (value === undefined || value === null) return "–";
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;
}
