import { createHash, randomBytes } from "node:crypto";
import type { SessionStore } from "./session-store.js";

/** The console's session cookie and the header of its double-submit CSRF token. */
export const SESSION_COOKIE = "gr_console";
export const CSRF_HEADER = "x-console-csrf";
/** A console login lasts a working day. */
export const SESSION_TTL_MS = 12 * 3_600_000;

export interface OpenedSession {
  /** The cookie's value: 256 random bits; the store keeps only its hash. */
  id: string;
  csrf: string;
  maxAgeSeconds: number;
}

/**
 * Console logins: a random session id in an HttpOnly cookie, and a CSRF token the console reads from
 * `GET /console/api/session` and sends back in `x-console-csrf`. The store keeps the id's SHA-256, so
 * what it holds (a Redis dump, say) opens no session.
 */
export class ConsoleSessions {
  constructor(
    private readonly store: SessionStore,
    private readonly now: () => number = Date.now,
  ) {}

  async open(): Promise<OpenedSession> {
    const id = randomBytes(32).toString("base64url");
    const csrf = randomBytes(32).toString("base64url");
    await this.store.save(hashOf(id), { csrf, expiresAt: this.now() + SESSION_TTL_MS });
    return { id, csrf, maxAgeSeconds: SESSION_TTL_MS / 1000 };
  }

  /** The session a cookie names, while it lasts. */
  async find(id: string | undefined): Promise<{ csrf: string } | undefined> {
    if (!id) return undefined;
    const session = await this.store.load(hashOf(id));
    return session && session.expiresAt > this.now() ? { csrf: session.csrf } : undefined;
  }

  async close(id: string | undefined): Promise<void> {
    if (id) await this.store.delete(hashOf(id));
  }
}

function hashOf(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}
