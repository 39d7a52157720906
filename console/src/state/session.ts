/** Whether the console may call /admin: asked of the gateway at start, after login and after any 401. */
import { signal } from "@preact/signals";
import { callApi, rememberCsrfToken, whenUnauthorized } from "../api/admin-client.js";
import { connectLiveEvents, disconnectLiveEvents, onLiveEventsRefused } from "../api/live-events.js";
import type { Session } from "../api/types.js";

export type SessionState =
  | { kind: "loading" }
  | { kind: "error"; message: string }
  | ({ kind: "ready" } & Session);

export const session = signal<SessionState>({ kind: "loading" });

export async function refreshSession(): Promise<void> {
  try {
    const answer = await callApi<Session>("GET", "/console/api/session");
    rememberCsrfToken(answer.csrf);
    session.value = { kind: "ready", ...answer };
    if (answer.authenticated) connectLiveEvents();
    else disconnectLiveEvents();
  } catch (error) {
    session.value = { kind: "error", message: error instanceof Error ? error.message : String(error) };
  }
}

export async function logIn(token: string): Promise<void> {
  await callApi<void>("POST", "/console/api/login", { token });
  await refreshSession();
}

export async function logOut(): Promise<void> {
  await callApi<void>("POST", "/console/api/logout");
  disconnectLiveEvents();
  await refreshSession();
}

onLiveEventsRefused(() => void refreshSession());
whenUnauthorized(() => {
  const current = session.value;
  if (current.kind === "ready" && current.authenticated) void refreshSession();
});
