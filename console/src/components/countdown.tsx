import { formatCountdown } from "../i18n/format.js";
import { now } from "../state/clock.js";

/** Time left until `until`, ticking each second on the shared clock. */
export function Countdown({ until }: { until: string }) {
  const untilMs = new Date(until).getTime();
  if (Number.isNaN(untilMs)) return <span>{until}</span>;
  return (
    <time class="countdown" dateTime={until} title={new Date(until).toLocaleString()}>
      {formatCountdown(untilMs, now.value)}
    </time>
  );
}
