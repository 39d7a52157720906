import { formatNumber } from "../i18n/format.js";

/** A labelled bar: `done` of `total`, readable by screen readers and tests alike. */
export function ProgressBar({ done, total, label }: { done: number; total: number; label: string }) {
  const percent = total > 0 ? Math.round((done / total) * 100) : 0;
  return (
    <div class="progress">
      <progress max={Math.max(total, 1)} value={done} aria-label={label} />
      <span class="progress-text" data-testid="check-progress-text">
        {formatNumber(done)} / {formatNumber(total)} ({percent}%)
      </span>
    </div>
  );
}
