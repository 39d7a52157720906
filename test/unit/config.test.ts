import { ConfigError, loadConfig } from "../../src/config.js";

describe("loadConfig", () => {
  test("defaults follow the contract", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 7860,
      host: "0.0.0.0",
      keysFile: "./keys.txt",
      geminiBaseUrl: "https://generativelanguage.googleapis.com",
      maxFailures: 3,
      requestTimeoutMs: 120000,
      stateFile: "./data/state.json",
      logLevel: "info",
      bodyLimit: "25mb",
      shutdownTimeoutMs: 30000,
      reasoningOutput: "reasoning_content",
      accessToken: undefined,
      adminToken: undefined,
      redisUrl: undefined,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  test("reads every variable", () => {
    const config = loadConfig({
      PORT: "8080",
      HOST: "127.0.0.1",
      GEMINI_API_KEYS: " fake-key-alpha-0001 , ,fake-key-bravo-0002",
      GEMINI_BASE_URL: "http://127.0.0.1:9999/",
      ACCESS_TOKEN: "client-secret",
      ADMIN_TOKEN: "admin-secret",
      MAX_FAILURES: "5",
      LOG_LEVEL: "DEBUG",
      REASONING_OUTPUT: "none",
      REDIS_URL: "redis://127.0.0.1:6379",
    });
    expect(config.port).toBe(8080);
    expect(config.extraKeys).toEqual(["fake-key-alpha-0001", "fake-key-bravo-0002"]);
    expect(config.geminiBaseUrl).toBe("http://127.0.0.1:9999");
    expect(config.accessToken).toBe("client-secret");
    expect(config.logLevel).toBe("debug");
    expect(config.reasoningOutput).toBe("none");
  });

  test.each([
    [{ PORT: "seventy" }, /^PORT must be a whole number: set PORT to a port number such as 7860$/],
    [{ PORT: "70000" }, /^PORT must be below 65536/],
    [{ MAX_FAILURES: "0" }, /^MAX_FAILURES must be greater than 0/],
    [{ REQUEST_TIMEOUT_MS: "2s" }, /^REQUEST_TIMEOUT_MS must be a whole number/],
    [{ LOG_LEVEL: "loud" }, /^LOG_LEVEL must be one of debug, info, warn, error$/],
    [{ GEMINI_BASE_URL: "not a url" }, /^GEMINI_BASE_URL must be a URL/],
    [{ REDIS_URL: "localhost:6379" }, /^REDIS_URL must start with redis:\/\//],
    [{ BODY_LIMIT: "huge" }, /^BODY_LIMIT must be a size such as 25mb$/],
  ])("%j stops start-up with one clear line", (environment, message) => {
    expect(() => loadConfig(environment)).toThrow(ConfigError);
    expect(() => loadConfig(environment)).toThrow(message);
  });

  test("an empty variable means the default", () => {
    expect(loadConfig({ PORT: "" }).port).toBe(7860);
  });
});
