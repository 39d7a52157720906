/**
 * The real gateway in-process (`start()` from src/server.ts) on a loopback port, in front of the
 * project's fake Gemini, with its log lines captured: what most integration tests drive.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { type Config, loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/observability/logger.js";
import { type RunningServer, start } from "../../src/server.js";
import { startFakeGemini } from "../fake-gemini/index.js";
import type { FakeGemini, FakeGeminiOptions } from "../fake-gemini/types.js";

export const TEST_KEYS = ["fake-key-alpha-0001", "fake-key-bravo-0002", "fake-key-charlie-0003"] as const;

export interface HarnessOptions {
  /** Lines of the keys file; default: the three test keys. */
  keys?: readonly string[];
  /** Keys the fake accepts; default: the keys file's keys. */
  validKeys?: readonly string[];
  /** Extra environment for the gateway (names as in the contract). */
  env?: Record<string, string>;
  fake?: FakeGeminiOptions;
  /** Reuse a fake (e.g. across a restart). */
  existingFake?: FakeGemini;
  /** Reuse a folder (keys file and state file survive a restart). */
  folder?: string;
  now?: () => number;
}

export interface Harness {
  fake: FakeGemini;
  running: RunningServer;
  url: string;
  config: Config;
  folder: string;
  keysFile: string;
  /** Every log line the gateway wrote. */
  logs: string[];
  writeKeys(lines: readonly string[]): Promise<void>;
  /** Stops the gateway (and the fake and folder unless they were passed in). */
  stop(options?: { keepFake?: boolean; keepFolder?: boolean }): Promise<void>;
}

/** The real gateway on a loopback port in front of the project's fake Gemini. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const keys = options.keys ?? TEST_KEYS;
  const fake =
    options.existingFake ??
    (await startFakeGemini({
      keys: options.validKeys ?? keys.map((line) => line.split(/\s+/)[0] ?? ""),
      ...options.fake,
    }));
  const folder = options.folder ?? (await mkdtemp(join(tmpdir(), "gemini-rotator-test-")));
  const logs: string[] = [];
  let running: RunningServer;
  let config: Config;
  const keysFile = join(folder, "keys.txt");
  const writeKeys = (lines: readonly string[]) => writeFile(keysFile, `${lines.join("\n")}\n`);
  try {
    if (!options.folder) await writeKeys(keys);
    config = {
      ...loadConfig({
        KEYS_FILE: keysFile,
        STATE_FILE: join(folder, "data", "state.json"),
        GEMINI_BASE_URL: fake.url,
        HOST: "127.0.0.1",
        WATCH_KEYS_FILE: "false",
        ...options.env,
      }),
      port: 0,
    };
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        logs.push(...String(chunk).split("\n").filter(Boolean));
        callback();
      },
    });
    running = await start(config, {
      logger: createLogger({ level: config.logLevel === "info" ? "debug" : config.logLevel, destination }),
      defaultMetrics: false,
      ...(options.now ? { now: options.now } : {}),
    });
  } catch (error) {
    // A start that fails (a test of bad settings) leaves nothing behind: not the fake, not the folder.
    if (!options.existingFake) await fake.close();
    if (!options.folder) await rm(folder, { recursive: true, force: true });
    throw error;
  }
  return {
    fake,
    running,
    url: running.url,
    config,
    folder,
    keysFile,
    logs,
    writeKeys,
    async stop(stopOptions = {}) {
      await running.stop();
      if (!options.existingFake && !stopOptions.keepFake) await fake.close();
      if (!options.folder && !stopOptions.keepFolder) await rm(folder, { recursive: true, force: true });
    },
  };
}
