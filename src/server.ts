import { createServer, type Server, type ServerOptions } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createApp } from "./app.js";
import { type Config, ConfigError, loadConfig } from "./config.js";
import { createGateway, type Gateway, type GatewayOverrides } from "./gateway.js";
import { configSecrets } from "./observability/config-secrets.js";
import { scrubSecrets } from "./observability/logger.js";

export interface RunningServer {
  gateway: Gateway;
  server: Server;
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to `SHUTDOWN_TIMEOUT_MS`), saves state. */
  stop(): Promise<void>;
}

/** While draining, connections that went idle are closed this often. */
const IDLE_SWEEP_MS = 100;
/** A client gets this long for its headers (at most its whole request's time). */
const HEADERS_TIMEOUT_MS = 30_000;

/**
 * How long a client may take to SEND its request. Node's `requestTimeout` and `headersTimeout` measure
 * receiving the request (headers, then body) and stop counting once it is in: an answer streamed for
 * minutes is not cut, a client trickling its body is (with a 408). Node checks them every
 * `connectionsCheckingInterval`, so that interval is kept a fraction of the timeout.
 */
export function clientTimeouts(requestTimeoutMs: number): ServerOptions {
  return {
    requestTimeout: requestTimeoutMs,
    headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeoutMs),
    connectionsCheckingInterval: Math.min(5_000, Math.max(100, Math.floor(requestTimeoutMs / 4))),
    keepAliveTimeout: 65_000,
  };
}
/** After SHUTDOWN_TIMEOUT_MS, the time open streams get to write their final error event. */
const STREAM_FAREWELL_MS = 1_000;

/** Builds the gateway and listens; `port: 0` picks a free port (tests). */
export async function start(config: Config, overrides: GatewayOverrides = {}): Promise<RunningServer> {
  const gateway = await createGateway(config, overrides);
  const app = createApp(gateway);
  const server = createServer(clientTimeouts(config.clientRequestTimeoutMs), app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await gateway.close();
    throw listenError(error, config);
  }
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host === "0.0.0.0" || host === "[::]" ? "127.0.0.1" : host}:${address.port}`;

  let draining = false;
  // A request that arrives on a kept-alive connection while draining is served, then the connection closes.
  server.prependListener("request", (_request, response) => {
    if (draining) response.setHeader("connection", "close");
  });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), config.shutdownTimeoutMs);
      });
      const outcome = await Promise.race([closed.then(() => "drained" as const), deadline]);
      clearInterval(sweep);
      clearTimeout(timer);
      if (outcome === "timeout") {
        gateway.logger.warn(
          { shutdownTimeoutMs: config.shutdownTimeoutMs },
          "shutdown: requests still running after SHUTDOWN_TIMEOUT_MS; closing their connections",
        );
        // Open streams end with their protocol's error event, then whatever is left is cut.
        gateway.closeStreams();
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, STREAM_FAREWELL_MS))]);
        server.closeAllConnections();
      }
      await gateway.close();
    })();
    return stopping;
  };
  return { gateway, server, url, stop };
}

function listenError(error: unknown, config: Config): unknown {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === "EADDRINUSE")
    return new ConfigError(
      `PORT ${config.port} is already in use on ${config.host}: stop the other program or set PORT`,
    );
  if (code === "EADDRNOTAVAIL")
    return new ConfigError(
      `HOST ${config.host} is not an address of this machine: set HOST to 0.0.0.0 or 127.0.0.1`,
    );
  if (code === "EACCES")
    return new ConfigError(`PORT ${config.port} needs privileges this user lacks: set PORT above 1023`);
  return error;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

/** What the start-up log says about each protection, and warnings about risky combinations. */
export function describeProtections(config: Config): {
  protections: Record<string, string>;
  warnings: string[];
} {
  const protections = {
    accessToken: config.accessToken
      ? "on: /v1 and /v1beta need ACCESS_TOKEN"
      : "off: anyone who reaches the port can spend the keys' quota",
    adminToken: config.adminToken
      ? "on: /admin and /status need ADMIN_TOKEN"
      : "off: /admin answers only clients on this machine; /status is open",
    cors: config.corsOrigin === "*" ? "any origin" : config.corsOrigin || "off",
    bodyLimit: config.bodyLimit,
  };
  const warnings: string[] = [];
  if (!config.accessToken && !LOOPBACK_HOSTS.has(config.host)) {
    warnings.push(
      `ACCESS_TOKEN is not set and HOST is ${config.host}: every machine that reaches port ${config.port} can use your keys; set ACCESS_TOKEN`,
    );
  }
  if (config.adminToken && config.adminToken === config.accessToken) {
    warnings.push(
      "ADMIN_TOKEN equals ACCESS_TOKEN: every API client can manage keys; choose a different ADMIN_TOKEN",
    );
  }
  return { protections, warnings };
}

/** Reads the environment, starts the gateway and handles signals (see main.ts, the entry). */
export async function main(): Promise<void> {
  let config: Config | undefined;
  let running: RunningServer;
  try {
    config = loadConfig(process.env);
    running = await start(config);
  } catch (error) {
    const message =
      error instanceof ConfigError
        ? error.message
        : scrubSecrets(String(error), [...configSecrets(config ?? {}), ...(config?.extraKeys ?? [])]);
    process.stderr.write(`gemini-rotator: ${message}\n`);
    process.exit(1);
  }
  const { gateway } = running;
  const { protections, warnings } = describeProtections(config);
  gateway.logger.info(
    {
      url: running.url,
      keys: gateway.pool.size,
      ...protections,
      state: config.redisUrl ? "shared by every replica through REDIS_URL" : config.stateFile,
    },
    "gemini-rotator listening",
  );
  for (const warning of warnings) gateway.logger.warn(warning);

  // Whatever escapes, its message and stack are logged through the scrubbing logger, never raw.
  const crash = (kind: string) => (error: unknown) => {
    const failure = error instanceof Error ? error : new Error(String(error));
    gateway.logger.fatal({ err: { message: failure.message, stack: failure.stack } }, kind);
    process.exit(1);
  };
  process.on("uncaughtException", crash("uncaught exception"));
  process.on("unhandledRejection", crash("unhandled promise rejection"));

  let signalled = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (signalled) {
      gateway.logger.warn({ signal }, "second signal: exiting without waiting");
      process.exit(1);
    }
    signalled = true;
    gateway.logger.info(
      { signal, shutdownTimeoutMs: config.shutdownTimeoutMs },
      "shutting down: no new connections; in-flight requests may finish",
    );
    running.stop().then(() => {
      gateway.logger.info("shut down cleanly");
      process.exit(0);
    }, crash("shutdown failed"));
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  void main();
}
