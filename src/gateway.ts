import { type Stats, unwatchFile, watchFile } from "node:fs";
import { type Config, ConfigError } from "./config.js";
import type { DispatchDependencies } from "./dispatch/dispatch.js";
import { KeyManager } from "./keys/key-manager.js";
import { KeyPool } from "./keys/key-pool.js";
import { createLogger, type Logger } from "./observability/logger.js";
import { Metrics } from "./observability/metrics.js";
import { FileStateStore, type PersistedState } from "./state/file-state-store.js";
import { ThoughtSignatureCache } from "./state/thought-signature-cache.js";
import { GeminiClient } from "./upstream/gemini-client.js";
import { redactSecrets } from "./upstream/redact.js";

/** Everything a request needs, built once at start-up and passed to the app. */
export interface Gateway {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly pool: KeyPool;
  readonly keys: KeyManager;
  readonly client: GeminiClient;
  readonly signatures: ThoughtSignatureCache;
  readonly store: FileStateStore;
  /** The clock every key decision uses (injectable for tests). */
  readonly now: () => number;
  /** What `dispatch` needs; every route passes this. */
  readonly dispatcher: DispatchDependencies;
  /** Removes every known key (and anything key-shaped) from text that may leave the process. */
  redact(text: string): string;
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
  const store = new FileStateStore(config.stateFile, logger);
  const scheduleSave = () => store.scheduleSave();
  const pool = new KeyPool({
    maxFailures: config.maxFailures,
    onChange: scheduleSave,
    now,
  });
  const keys = new KeyManager(pool, { keysFile: config.keysFile, extraKeys: config.extraKeys }, scheduleSave);
  const signatures = new ThoughtSignatureCache({ onChange: scheduleSave });
  const metrics = new Metrics({
    keyCounts: () => pool.counts(),
    defaultMetrics: overrides.defaultMetrics ?? true,
  });
  const client = new GeminiClient({ baseUrl: config.geminiBaseUrl, secrets: () => pool.secrets() });

  const saved = await store.load();
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
  store.attach(
    (): PersistedState => ({
      version: 1,
      keys: pool.exportMemory(),
      ...keys.saved(),
      thoughtSignatures: signatures.export(),
    }),
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

  return {
    config,
    logger,
    metrics,
    pool,
    keys,
    client,
    signatures,
    store,
    now,
    dispatcher: {
      pool,
      metrics,
      logger,
      now,
      maxAttempts: config.maxAttempts,
      deadlineMs: config.requestDeadlineMs,
    },
    redact: (text) => redactSecrets(text, pool.secrets()),
    async close() {
      stopWatching();
      await store.flush();
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
