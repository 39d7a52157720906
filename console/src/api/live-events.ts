/**
 * The one connection to `/admin/events`: the server pushes pool changes and finished requests; the
 * console never polls. EventSource reconnects by itself after a drop.
 */
import type { LogRow, PoolEvent } from "./types.js";

type Listener<Payload> = (payload: Payload) => void;

const poolListeners = new Set<Listener<PoolEvent>>();
const requestListeners = new Set<Listener<LogRow>>();
const connectionListeners = new Set<Listener<boolean>>();
let source: EventSource | undefined;

function parse<Payload>(event: MessageEvent<string>): Payload | undefined {
  try {
    return JSON.parse(event.data) as Payload;
  } catch {
    return undefined;
  }
}

export function connectLiveEvents(): void {
  if (source) return;
  source = new EventSource("/admin/events");
  source.addEventListener("open", () => {
    for (const listener of connectionListeners) listener(true);
  });
  source.addEventListener("error", () => {
    for (const listener of connectionListeners) listener(false);
  });
  source.addEventListener("pool", (event) => {
    const payload = parse<PoolEvent>(event);
    if (payload) for (const listener of poolListeners) listener(payload);
  });
  source.addEventListener("request", (event) => {
    const payload = parse<LogRow>(event);
    if (payload) for (const listener of requestListeners) listener(payload);
  });
}

export function disconnectLiveEvents(): void {
  source?.close();
  source = undefined;
}

function subscribe<Payload>(listeners: Set<Listener<Payload>>, listener: Listener<Payload>): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const onPoolEvent = (listener: Listener<PoolEvent>) => subscribe(poolListeners, listener);
export const onRequestEvent = (listener: Listener<LogRow>) => subscribe(requestListeners, listener);
export const onConnectionChange = (listener: Listener<boolean>) => subscribe(connectionListeners, listener);
