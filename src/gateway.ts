import { type Stats, unwatchFile, watchFile } from "node:fs";
import { type AlertLatch, MemoryAlertLatch } from "./alerts/alert-latch.js";
import { AlertMonitor } from "./alerts/alert-monitor.js";
import { AlertNotifier } from "./alerts/alert-notifier.js";
import { ClientAccounting } from "./clients/client-accounting.js";
import { createClientAdmission } from "./clients/client-admission.js";
import { ClientLimits, type LimitUsage } from "./clients/client-limits.js";
import { ClientMetrics } from "./clients/client-metrics.js";
import type { ClientToken } from "./clients/client-token.js";
import { ClientTokens } from "./clients/client-tokens.js";
import { loadClientTokensFile } from "./clients/client-tokens-file.js";
import { SqliteClientTokenStore } from "./clients/sqlite-client-token-store.js";
import { SqliteClientUsageStore } from "./clients/sqlite-client-usage.js";
import { type Config, ConfigError } from "./config.js";
import { ConsoleSessions } from "./console/console-sessions.js";
import { LoginThrottle } from "./console/login-throttle.js";
import { MemorySessionStore } from "./console/session-store.js";
import { Dispatcher } from "./dispatch/dispatch.js";
import { ChatEngine } from "./engine/chat-engine.js";
import { createUsageRecorder } from "./engine/usage-recorder.js";
import { KeyManager } from "./keys/key-manager.js";
import { type KeyChange, KeyPool } from "./keys/key-pool.js";
import { createLogger, type Logger } from "./observability/logger.js";
import { Metrics } from "./observability/metrics.js";
import { currentRequestFacts } from "./observability/request-context.js";
import { UpstreamRelay } from "./passthrough/relay-upstream.js";
import { redactSecrets } from "./secrets/secret-patterns.js";
import { GeminiEmbeddings } from "./services/gemini-embeddings.js";
import { GeminiModels } from "./services/gemini-models.js";
import { GeminiTokenCounter } from "./services/gemini-token-counter.js";
import { KeyProber } from "./services/key-prober.js";
import type { PersistedState } from "./state/persisted-state.js";
import type { StateStore } from "./state/state-store.js";
import { ThoughtSignatureCache } from "./state/thought-signature-cache.js";
import { withTimeout } from "./state/with-timeout.js";
import { ActivityRecorder } from "./store/activity-recorder.js";
import { databasePathFor, legacyStateFileFor } from "./store/database-path.js";
import type { HistoryStore } from "./store/history-store.js";
import { openDatabase } from "./store/open-database.js";
import type { ResponseStore } from "./store/response-store.js";
import { SqliteHistoryStore } from "./store/sqlite-history.js";
import { SqliteRequestLog } from "./store/sqlite-request-log.js";
import { SqliteResponseStore } from "./store/sqlite-response-store.js";
import { SqliteStateStore } from "./store/sqlite-state-store.js";
import { GeminiClient } from "./upstream/gemini-client.js";

/**
 * The gateway's services, built once at start-up. Only app.ts and server.ts see this whole object;
 * each route gets the few services it needs.
 */
export interface Gateway {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly pool: KeyPool;
  readonly keys: KeyManager;
  readonly store: StateStore;
  /** Usage history and the request log, written in batches. */
  readonly activity: ActivityRecorder;
  /** Console logins. */
  readonly sessions: ConsoleSessions;
  readonly loginThrottle: LoginThrottle;
  /** The clock every key decision uses (injectable for tests). */
  readonly now: () => number;
  /** Named client tokens: created, changed and revoked through /admin, or declared in a file. */
  readonly clientTokens: ClientTokens;
  /** Each client token's requests and tokens per day and model. */
  readonly clientUsage: ClientAccounting;
  /** Posts alerts to the `ALERT_WEBHOOK_URL` targets. */
  readonly alerts: AlertNotifier;
  /** Probes one key for a key check (the pool learns from it as from a request). */
  readonly prober: KeyProber;
  /** Hears each change of a key's state (an id), or of many keys at once (none); answers the unsubscribe. */
  onKeyChange(listener: (keyId?: string) => void): () => void;
  /** Answers chat requests of every protocol. */
  readonly engine: ChatEngine;
  /** Stored OpenAI Responses (`previous_response_id`, `GET /v1/responses/{id}`). */
  readonly responses: ResponseStore;
  /** Google's model list, read with a pool key. */
  readonly models: GeminiModels;
  /** Gemini embeddings over the pool. */
  readonly embeddings: GeminiEmbeddings;
  /** Gemini countTokens over the pool. */
  readonly tokenCounter: GeminiTokenCounter;
  /** The native and compat passthrough. */
  readonly relay: UpstreamRelay;
  /** Thought signatures by tool-call id: this process's, then the shared store's. */
  lookupSignatures(toolCallIds: readonly string[]): Promise<Map<string, string>>;
  /** Removes every known key (and anything key-shaped) from text that may leave the process. */
  redact(text: string): string;
  /**
   * The shutdown grace has run out: open streams end now with their protocol's error event (the
   * connections close right after).
   */
  closeStreams(): void;
  close(): Promise<void>;
}

export interface GatewayOverrides {
  logger?: Logger;
  now?: () => number;
  /** prom-client's default process metrics; off in tests that build many gateways. */
  defaultMetrics?: boolean;
  /** How often the keys file is checked for changes when `WATCH_KEYS_FILE` is on. */
  keysFilePollMs?: number;
}

/** Polling (not inotify) also sees edits through Docker bind mounts and editors that replace the file. */
const DEFAULT_KEYS_FILE_POLL_MS = 2_000;
/** The longest a shutdown waits for Redis to take the last usage, token counts and stored responses. */
const REDIS_CLOSE_WAIT_MS = 2_000;

/**
 * Builds the gateway's services, restores saved key state and loads the keys. Throws `ConfigError`
 * when there is no usable key configuration.
 */
export async function createGateway(config: Config, overrides: GatewayOverrides = {}): Promise<Gateway> {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const now = overrides.now ?? Date.now;
  // One database file holds key state, usage history and the request log; with Redis, key state,
  // history and console sessions are shared by every replica there, and the database keeps this
  // replica's request log.
  let database: ReturnType<typeof openDatabase>;
  try {
    database = openDatabase(databasePathFor(config.stateFile), logger);
  } catch (error) {
    throw new ConfigError(`STATE_FILE (${config.stateFile}): ${(error as Error).message}`);
  }
  // ioredis and the Redis stores are loaded only with REDIS_URL (see redis-backends.ts).
  const redisUrl = config.redisUrl;
  const redis = redisUrl
    ? await import("./redis-backends.js").then((backends) => ({
        backends,
        client: new backends.Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 }),
        url: redisUrl,
      }))
    : undefined;
  const shared = redis?.client;
  shared?.on("error", (error: Error) => logger.warn({ error: error.message }, "redis connection error"));
  const store: StateStore = redis
    ? new redis.backends.RedisStateSync(redis.url, logger)
    : new SqliteStateStore(database, logger, legacyStateFileFor(config.stateFile), now);
  // The console's live feed hears every change of key state, this replica's and (through Redis) the others'.
  const keyListeners = new Set<(keyId?: string, change?: KeyChange) => void>();
  const announceKeyChange = (keyId?: string, change?: KeyChange) => {
    for (const listener of keyListeners) listener(keyId, change);
  };
  const pool = new KeyPool({
    maxFailures: config.maxFailures,
    onChange: (keyId, change) => {
      store.keyChanged(keyId, change);
      announceKeyChange(keyId, change);
    },
    now,
  });
  const keys = new KeyManager(pool, { keysFile: config.keysFile, extraKeys: config.extraKeys }, () => {
    store.keySetChanged();
    announceKeyChange();
  });
  const signatures = new ThoughtSignatureCache({ onChange: (pairs) => store.signaturesRemembered(pairs) });
  const metrics = new Metrics({
    keyCounts: () => pool.counts(),
    defaultMetrics: overrides.defaultMetrics ?? true,
  });
  const client = new GeminiClient({
    baseUrl: config.geminiBaseUrl,
    secrets: () => pool.secrets(),
    proxies: config.outboundProxies,
  });

  let saved: PersistedState | undefined;
  try {
    saved = await store.load();
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (saved) {
    keys.restore(saved);
    signatures.import(saved.thoughtSignatures);
  }
  await keys.reload();
  if (pool.size === 0) {
    throw new ConfigError(
      `No Gemini API key found: put one key per line in KEYS_FILE (${config.keysFile}) or set GEMINI_API_KEYS`,
    );
  }
  if (saved) pool.importMemory(saved.keys);
  await store.attach(
    {
      memoryJsonOf: (id) => pool.memoryJsonOf(id),
      keyIds: () => pool.ids(),
      keySet: () => keys.saved(),
    },
    {
      applyKeyMemory: (memories) => {
        pool.importMemory(memories);
        for (const keyId of Object.keys(memories)) announceKeyChange(keyId);
      },
      applyKeySet: (keySet) => {
        keys.applyShared(keySet);
        announceKeyChange();
      },
      applySignatures: (pairs) => signatures.import(pairs),
    },
  );

  const stopWatching = config.watchKeysFile
    ? watchKeysFile(config.keysFile, overrides.keysFilePollMs ?? DEFAULT_KEYS_FILE_POLL_MS, async () => {
        try {
          const result = await keys.reload();
          logger.info(result, "keys file changed: keys reloaded");
        } catch (error) {
          logger.warn(
            { error: (error as Error).message },
            "keys file changed but could not be loaded; keeping the current keys",
          );
        }
      })
    : () => {};

  if (shared) await shared.connect().catch(() => {});

  let fileTokens: ClientToken[] = [];
  if (config.clientTokensFile) {
    try {
      fileTokens = await loadClientTokensFile(config.clientTokensFile, now());
    } catch (error) {
      throw new ConfigError(`CLIENT_TOKENS_FILE (${config.clientTokensFile}): ${(error as Error).message}`);
    }
  }
  const clientTokens = new ClientTokens({
    store: redis
      ? new redis.backends.RedisClientTokenStore(redis.client, logger)
      : new SqliteClientTokenStore(database),
    fileTokens,
    shared: shared !== undefined,
    logger,
    now,
  });
  try {
    await clientTokens.start();
  } catch (error) {
    throw new ConfigError(`the client tokens could not be read: ${(error as Error).message}`);
  }
  const redact = (text: string) => redactSecrets(text, [pool.secrets()]);
  const alerts = new AlertNotifier({ targets: config.alertTargets, redact, logger, now });
  const latch: AlertLatch = redis ? new redis.backends.RedisAlertLatch(redis.client) : new MemoryAlertLatch();
  // Without a target there is no one to tell: nothing is watched.
  const alertMonitor =
    config.alertTargets.length > 0
      ? new AlertMonitor({
          pool,
          threshold: config.alertMinAvailableKeys,
          latch,
          notify: (event) => alerts.notify(event),
          logger,
          now,
        })
      : undefined;
  if (alertMonitor) {
    // An ordinary success changes no key's usability: the pool is looked at again only when a rest
    // has ended since (with a large pool, a look at every success cost a scan of it ten times a second).
    keyListeners.add((_keyId, change) => {
      if (change !== "counters" || pool.nextRestEnd() <= now()) alertMonitor.poolChanged();
    });
    alertMonitor.poolChanged();
  }
  const limits = new ClientLimits({ redis: shared, now });
  const limitUsage = (token: ClientToken, usage: readonly LimitUsage[]) =>
    alertMonitor?.tokenUsage(token, usage);
  const admitClient = createClientAdmission({ tokens: clientTokens, limits, onUsage: limitUsage, logger });
  const clientUsage = new ClientAccounting({
    store: redis
      ? new redis.backends.RedisClientUsageStore(redis.client, config.historyDays)
      : new SqliteClientUsageStore(database),
    metrics: new ClientMetrics(metrics.registry),
    tokens: clientTokens,
    limits,
    onUsage: limitUsage,
    historyDays: config.historyDays,
    logger,
    now,
  });
  const history: HistoryStore = redis
    ? new redis.backends.RedisHistoryStore(redis.client, config.historyDays, now)
    : new SqliteHistoryStore(database);
  const activity = new ActivityRecorder({
    history,
    requestLog: new SqliteRequestLog(database, config.requestLogMaxRows),
    logger,
    now,
    historyDays: config.historyDays,
    availability: () => ({ available: pool.counts().available, total: pool.size }),
  });

  const dispatcher = new Dispatcher({
    pool,
    client,
    metrics,
    logger,
    now,
    maxAttempts: config.maxAttempts,
    deadlineMs: config.requestDeadlineMs,
    requestTimeoutMs: config.requestTimeoutMs,
    admit: (model) => admitClient(currentRequestFacts(), model),
  });
  const usage = createUsageRecorder({ metrics, pool });
  const closing = new AbortController();
  const engine = new ChatEngine({
    dispatcher,
    signatures,
    usage,
    logger,
    settings: config,
    closing: closing.signal,
  });

  const responses: ResponseStore = redis
    ? new redis.backends.RedisResponseStore(redis.client, logger)
    : new SqliteResponseStore(database, logger);

  return {
    config,
    logger,
    metrics,
    pool,
    keys,
    store,
    responses,
    activity,
    sessions: new ConsoleSessions(
      redis ? new redis.backends.RedisSessionStore(redis.client) : new MemorySessionStore(now),
      now,
    ),
    loginThrottle: new LoginThrottle(now),
    now,
    clientTokens,
    clientUsage,
    alerts,
    prober: new KeyProber(dispatcher, (facts) => activity.upstreamWork(facts)),
    onKeyChange(listener) {
      keyListeners.add(listener);
      return () => keyListeners.delete(listener);
    },
    engine,
    models: new GeminiModels(dispatcher),
    embeddings: new GeminiEmbeddings(dispatcher, usage),
    tokenCounter: new GeminiTokenCounter(dispatcher),
    relay: new UpstreamRelay({ dispatcher, usage, secrets: () => [pool.secrets()], closing: closing.signal }),
    redact,
    closeStreams: () => closing.abort(),
    async lookupSignatures(toolCallIds) {
      const found = signatures.lookup(toolCallIds);
      const missing = [...toolCallIds].filter((id) => !found.has(id));
      if (missing.length > 0) {
        try {
          const fetched = await store.fetchSignatures(missing);
          signatures.import(fetched);
          for (const [id, signature] of fetched) found.set(id, signature);
        } catch (error) {
          logger.warn(
            { error: (error as Error).message },
            "could not read thought signatures from the shared store",
          );
        }
      }
      return found;
    },
    async close() {
      stopWatching();
      alertMonitor?.close();
      alerts.close();
      await store.close();
      // Redis away: ioredis would hold these writes until it reconnects; a shutdown waits a bounded time.
      const lastWrites = Promise.all([
        responses.close(),
        activity.close(),
        clientUsage.close(),
        clientTokens.close(),
      ]);
      await (shared
        ? withTimeout(
            lastWrites,
            REDIS_CLOSE_WAIT_MS,
            `redis did not take the last writes within ${REDIS_CLOSE_WAIT_MS} ms`,
          ).catch((error: Error) =>
            logger.warn({ error: error.message }, "usage and stored responses not all written at shutdown"),
          )
        : lastWrites);
      database.close();
      shared?.disconnect();
      await client.close();
    },
  };
}

/** Calls `onChange` after the file's modification time or size changes; returns a function that stops watching. */
function watchKeysFile(path: string, intervalMs: number, onChange: () => Promise<void>): () => void {
  let reloading = Promise.resolve();
  const listener = (current: Stats, previous: Stats) => {
    if (current.mtimeMs === previous.mtimeMs && current.size === previous.size) return;
    reloading = reloading.then(onChange);
  };
  watchFile(path, { interval: intervalMs, persistent: false }, listener);
  return () => unwatchFile(path, listener);
}
