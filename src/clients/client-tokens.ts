import { GatewayError } from "../errors.js";
import type { Logger } from "../observability/logger.js";
import type { ClientToken, ClientTokenLimits } from "./client-token.js";
import { MAX_CLIENT_TOKENS } from "./client-token.js";
import { hashClientTokenSecret, mintClientTokenSecret } from "./client-token-secret.js";
import type { ClientTokenStore } from "./client-token-store.js";

/** What an administrator may set on a token (created or changed). */
export interface ClientTokenSettings {
  models?: readonly string[];
  limits?: ClientTokenLimits;
  /** Epoch milliseconds, or null to remove the expiry. */
  expiresAt?: number | null;
  enabled?: boolean;
}

/** Replicas re-read the shared tokens this often too, in case a change message was missed. */
const SHARED_REFRESH_MS = 30_000;

/**
 * Every client token the gateway knows: those created through `/admin` (kept in the store) and those
 * declared in `CLIENT_TOKENS_FILE` (the file wins a name both hold). A request's secret is found by its
 * hash in one map read.
 */
export class ClientTokens {
  private stored = new Map<string, ClientToken>();
  private byName = new Map<string, ClientToken>();
  private byHash = new Map<string, ClientToken>();
  private readonly listeners = new Set<(name?: string) => void>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly warnedNames = new Set<string>();

  constructor(
    private readonly options: {
      store: ClientTokenStore;
      fileTokens: readonly ClientToken[];
      /** Whether other replicas share the store (then it is re-read now and then). */
      shared: boolean;
      logger: Logger;
      now: () => number;
    },
  ) {}

  /** Reads the stored tokens and starts hearing other replicas' changes. */
  async start(): Promise<void> {
    // Unread tokens would leave the API open (or refuse them all): start-up fails instead.
    this.stored = new Map((await this.options.store.load()).map((token) => [token.name, token]));
    this.rebuild();
    await this.options.store.watch(() => void this.reload());
    if (this.options.shared) {
      this.refreshTimer = setInterval(() => void this.reload(), SHARED_REFRESH_MS);
      this.refreshTimer.unref();
    }
  }

  /** Hears every change of a token (by name), or of many (none). */
  onChange(listener: (name?: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether any client token exists: then the API needs a token, even without `ACCESS_TOKEN`. */
  get any(): boolean {
    return this.byName.size > 0;
  }

  list(): ClientToken[] {
    return [...this.byName.values()].sort((first, second) => first.name.localeCompare(second.name));
  }

  get(name: string): ClientToken | undefined {
    return this.byName.get(name);
  }

  /** The token whose secret this is, if any (whatever its state: the caller says why it is refused). */
  find(secret: string): ClientToken | undefined {
    return this.byHash.get(hashClientTokenSecret(secret));
  }

  /** A new token: its secret is in this answer and nowhere else, ever. */
  async create(name: string, settings: ClientTokenSettings): Promise<{ token: ClientToken; secret: string }> {
    if (this.byName.has(name)) {
      throw new GatewayError({
        status: 409,
        code: "token_exists",
        message: `A client token named "${name}" exists already; choose another name or delete it first.`,
        param: "name",
      });
    }
    if (this.byName.size >= MAX_CLIENT_TOKENS) {
      throw new GatewayError({
        status: 409,
        code: "too_many_tokens",
        message: `The gateway holds at most ${MAX_CLIENT_TOKENS} client tokens; delete some first.`,
      });
    }
    const secret = mintClientTokenSecret();
    const token: ClientToken = {
      name,
      secretHash: hashClientTokenSecret(secret),
      models: settings.models ?? [],
      limits: settings.limits ?? {},
      ...(typeof settings.expiresAt === "number" ? { expiresAt: settings.expiresAt } : {}),
      enabled: settings.enabled ?? true,
      createdAt: this.options.now(),
      source: "admin",
    };
    await this.persist(token);
    return { token, secret };
  }

  async update(name: string, settings: ClientTokenSettings): Promise<ClientToken> {
    const current = this.changeable(name);
    const { expiresAt: _expiresAt, ...kept } = current;
    const expiresAt = settings.expiresAt === undefined ? current.expiresAt : settings.expiresAt;
    const token: ClientToken = {
      ...kept,
      ...(settings.models !== undefined ? { models: settings.models } : {}),
      ...(settings.limits !== undefined ? { limits: settings.limits } : {}),
      ...(settings.enabled !== undefined ? { enabled: settings.enabled } : {}),
      ...(typeof expiresAt === "number" ? { expiresAt } : {}),
    };
    await this.persist(token);
    return token;
  }

  /** Refused for good from now on (kept, so its requests say "revoked" and its history keeps its name). */
  async revoke(name: string): Promise<ClientToken> {
    const current = this.changeable(name);
    if (current.revokedAt !== undefined) return current;
    const token: ClientToken = { ...current, revokedAt: this.options.now() };
    await this.persist(token);
    return token;
  }

  /** Forgets the token (its name may then be used again); its usage history stays. */
  async remove(name: string): Promise<void> {
    this.changeable(name);
    await this.options.store.remove(name);
    this.stored.delete(name);
    this.rebuild();
    this.announce(name);
  }

  async close(): Promise<void> {
    clearInterval(this.refreshTimer);
    await this.options.store.close();
  }

  private changeable(name: string): ClientToken {
    const token = this.byName.get(name);
    if (!token) {
      throw new GatewayError({
        status: 404,
        code: "token_not_found",
        message: `No client token named "${name}".`,
      });
    }
    if (token.source === "file") {
      throw new GatewayError({
        status: 409,
        code: "token_from_file",
        message: `The client token "${name}" is declared in CLIENT_TOKENS_FILE: change it there and restart.`,
      });
    }
    return token;
  }

  private async persist(token: ClientToken): Promise<void> {
    await this.options.store.save(token);
    this.stored.set(token.name, token);
    this.rebuild();
    this.announce(token.name);
  }

  private async reload(): Promise<void> {
    try {
      const tokens = await this.options.store.load();
      // The periodic re-read finds nothing new most of the time: then nobody is told. Compared in name
      // order: a store may list them in any order (a large Redis hash does), which is no change.
      const inNameOrder = (list: readonly ClientToken[]) =>
        JSON.stringify([...list].sort((first, second) => (first.name < second.name ? -1 : 1)));
      if (inNameOrder(tokens) === inNameOrder([...this.stored.values()])) return;
      this.stored = new Map(tokens.map((token) => [token.name, token]));
      this.rebuild();
      this.announce();
    } catch (error) {
      this.options.logger.warn({ error: (error as Error).message }, "could not read the client tokens");
    }
  }

  private rebuild(): void {
    const byName = new Map(this.stored);
    for (const token of this.options.fileTokens) {
      if (byName.get(token.name)?.source === "admin" && !this.warnedNames.has(token.name)) {
        this.warnedNames.add(token.name);
        this.options.logger.warn(
          { tokenName: token.name },
          "a client token of CLIENT_TOKENS_FILE has the name of one created through /admin; the file's wins",
        );
      }
      byName.set(token.name, token);
    }
    this.byName = byName;
    this.byHash = new Map([...byName.values()].map((token) => [token.secretHash, token]));
  }

  private announce(name?: string): void {
    for (const listener of this.listeners) listener(name);
  }
}
