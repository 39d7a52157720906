/** A console session as it is kept: never the cookie's value itself, only its hash. */
export interface StoredSession {
  /** The double-submit token the console sends back in `x-console-csrf` on state-changing requests. */
  csrf: string;
  expiresAt: number;
}

/**
 * Where console sessions live: in this process, or in Redis so that replicas behind a load balancer
 * all know a session one of them opened.
 */
export interface SessionStore {
  save(idHash: string, session: StoredSession): Promise<void>;
  load(idHash: string): Promise<StoredSession | undefined>;
  delete(idHash: string): Promise<void>;
}

/** Sessions kept at most; the oldest go first, so logins in a loop cannot grow memory. */
const MAX_SESSIONS = 1_000;

export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, StoredSession>();

  constructor(private readonly now: () => number = Date.now) {}

  async save(idHash: string, session: StoredSession): Promise<void> {
    this.sessions.set(idHash, session);
    while (this.sessions.size > MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
  }

  async load(idHash: string): Promise<StoredSession | undefined> {
    const session = this.sessions.get(idHash);
    if (session && session.expiresAt <= this.now()) {
      this.sessions.delete(idHash);
      return undefined;
    }
    return session;
  }

  async delete(idHash: string): Promise<void> {
    this.sessions.delete(idHash);
  }
}
