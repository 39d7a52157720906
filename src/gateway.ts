import { type Config, ConfigError } from "./config.js";
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
  /** Removes every known key (and anything key-shaped) from text that may leave the process. */
  redact(text: string): string;
  close(): Promise<void>;
}

export interface GatewayOverrides {
  logger?: Logger;
  now?: () => number;
  /** prom-client's default process metrics; off in tests that build many gateways. */
  defaultMetrics?: boolean;
}

/**
 * Builds the gateway's services, restores saved key state and loads the keys. Throws `ConfigError`
 * when there is no usable key configuration.
 */
export async function createGateway(config: Config, overrides: GatewayOverrides = {}): Promise<Gateway> {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const store = new FileStateStore(config.stateFile, logger);
  const scheduleSave = () => store.scheduleSave();
  const pool = new KeyPool({
    maxFailures: config.maxFailures,
    onChange: scheduleSave,
    ...(overrides.now ? { now: overrides.now } : {}),
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

  return {
    config,
    logger,
    metrics,
    pool,
    keys,
    client,
    signatures,
    store,
    redact: (text) => redactSecrets(text, pool.secrets()),
    async close() {
      await store.flush();
      await client.close();
    },
  };
}
