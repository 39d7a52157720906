/** The pool's counts as the server last pushed them, for the header on every page. */
import { signal } from "@preact/signals";
import { onConnectionChange, onPoolEvent } from "../api/live-events.js";
import type { PoolCounts } from "../api/types.js";

export const poolCounts = signal<PoolCounts | undefined>(undefined);
export const liveConnected = signal(false);

onPoolEvent((event) => {
  poolCounts.value = event.counts;
});
onConnectionChange((connected) => {
  liveConnected.value = connected;
});
