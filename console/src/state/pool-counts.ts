/**
 * The pool's counts for the header on every page: as the server last pushed them (at most once a
 * second), or as a page of keys just fetched told them, whichever came last.
 */
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

export function notePoolCounts(counts: PoolCounts | undefined): void {
  if (counts) poolCounts.value = counts;
}
