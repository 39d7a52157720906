import { type Stats, unwatchFile, watchFile } from "node:fs";
import { type Config, ConfigError } from "./config.js";
import { Dispatcher } from "./dispatch/dispatch.js";
import { ChatEngine } from "./engine/chat-engine.js";
import { createUsageRecorder } from "./engine/usage-recorder.js";
import { KeyManager } from "./keys/key-manager.js";
import { KeyPool } from "./keys/key-pool.js";
import { createLogger, type Logger } from "./observability/logger.js";
import { Metrics } from "./observability/metrics.js";
import { UpstreamRelay } from "./passthrough/relay-upstream.js";
import { redactSecrets } from "./secrets/secret-patterns.js";
import { GeminiEmbeddings } from "./services/gemini-embeddings.js";
import { GeminiModels } from "./services/gemini-models.js";
import { GeminiTokenCounter } from "./services/gemini-token-counter.js";
import { createResponseStore } from "./state/create-response-store.js";
import { FileStateStore } from "./state/file-state-store.js";
import type { PersistedState } from "./state/persisted-state.js";
import { RedisStateSync } from "./state/redis-state-sync.js";
import type { ResponseStore } from "./state/response-store.js";
import type { StateStore } from "./state/state-store.js";
import { ThoughtSignatureCache } from "./state/thought-signature-cache.js";
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

/**
 * Builds the gateway's services, restores saved key state and loads the keys. Throws `ConfigError`
 * when there is no usable key configuration.
 */
export async function createGateway(config: Config, overrides: GatewayOverrides = {}): Promise<Gateway> {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const now = overrides.now ?? Date.now;
  const store: StateStore = config.redisUrl
    ? new RedisStateSync(config.redisUrl, logger)
    : new FileStateStore(config.stateFile, logger);
  const pool = new KeyPool({
    maxFailures: config.maxFailures,
    onChange: (keyId) => store.keyChanged(keyId),
    now,
  });
  const keys = new KeyManager(pool, { keysFile: config.keysFile, extraKeys: config.extraKeys }, () =>
    store.keySetChanged(),
  );
  const signatures = new ThoughtSignatureCache({ onChange: (pairs) => store.signaturesRemembered(pairs) });
  const metrics = new Metrics({
    keyCounts: () => pool.counts(),
    defaultMetrics: overrides.defaultMetrics ?? true,
  });
  const client = new GeminiClient({ baseUrl: config.geminiBaseUrl, secrets: () => pool.secrets() });

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
      collect: () => ({
        version: 1,
        keys: pool.exportMemory(),
        ...keys.saved(),
        thoughtSignatures: signatures.export(),
      }),
      memoryOf: (id) => pool.memoryOf(id),
      keyIds: () => pool.ids(),
      keySet: () => keys.saved(),
    },
    {
      applyKeyMemory: (memories) => pool.importMemory(memories),
      applyKeySet: (keySet) => keys.applyShared(keySet),
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

  const dispatcher = new Dispatcher({
    pool,
    client,
    metrics,
    logger,
    now,
    maxAttempts: config.maxAttempts,
    deadlineMs: config.requestDeadlineMs,
    requestTimeoutMs: config.requestTimeoutMs,
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

  const responses = createResponseStore(config, logger);

  return {
    config,
    logger,
    metrics,
    pool,
    keys,
    store,
    responses,
    engine,
    models: new GeminiModels(dispatcher),
    embeddings: new GeminiEmbeddings(dispatcher, usage),
    tokenCounter: new GeminiTokenCounter(dispatcher),
    relay: new UpstreamRelay({ dispatcher, usage, secrets: () => [pool.secrets()], closing: closing.signal }),
    redact: (text) => redactSecrets(text, [pool.secrets()]),
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
      await store.close();
      await responses.close();
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
