/**
 * The one connection to `/admin/events`: the server pushes pool changes, finished requests and client
 * token changes; the console never polls. EventSource reconnects by itself after a dropped connection,
 * but gives up for good when the server refuses it (an HTTP error, e.g. 401 once the session is gone): then the owner
 * of the session is told, a few seconds later, to find out why and connect again.
 */
import type { LogRow, PoolEvent, TokensEvent } from "./types.js";

type Listener<Payload> = (payload: Payload) => void;

const poolListeners = new Set<Listener<PoolEvent>>();
const requestListeners = new Set<Listener<LogRow>>();
const tokensListeners = new Set<Listener<TokensEvent>>();
const connectionListeners = new Set<Listener<boolean>>();
let source: EventSource | undefined;
let whenRefused: () => void = () => {};
const RETRY_AFTER_REFUSAL_MS = 5000;

export function onLiveEventsRefused(handler: () => void): void {
  whenRefused = handler;
}

function parse<Payload>(event: MessageEvent<string>): Payload | undefined {
  try {
    return JSON.parse(event.data) as Payload;
  } catch {
    return undefined;
  }
}

export function connectLiveEvents(): void {
  if (source) return;
  const opened = new EventSource("/admin/events");
  source = opened;
  opened.addEventListener("open", () => {
    for (const listener of connectionListeners) listener(true);
  });
  opened.addEventListener("error", () => {
    for (const listener of connectionListeners) listener(false);
    if (opened.readyState !== EventSource.CLOSED || source !== opened) return;
    source = undefined;
    setTimeout(() => whenRefused(), RETRY_AFTER_REFUSAL_MS);
  });
  opened.addEventListener("pool", (event) => {
    const payload = parse<PoolEvent>(event);
    if (payload) for (const listener of poolListeners) listener(payload);
  });
  opened.addEventListener("request", (event) => {
    const payload = parse<LogRow>(event);
    if (payload) for (const listener of requestListeners) listener(payload);
  });
  opened.addEventListener("tokens", (event) => {
    const payload = parse<TokensEvent>(event);
    if (payload) for (const listener of tokensListeners) listener(payload);
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
export const onTokensEvent = (listener: Listener<TokensEvent>) => subscribe(tokensListeners, listener);
export const onConnectionChange = (listener: Listener<boolean>) => subscribe(connectionListeners, listener);
