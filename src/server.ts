import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createApp } from "./app.js";
import { type Config, ConfigError, loadConfig } from "./config.js";
import { createGateway, type Gateway, type GatewayOverrides } from "./gateway.js";

export interface RunningServer {
  gateway: Gateway;
  server: Server;
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to `SHUTDOWN_TIMEOUT_MS`), saves state. */
  stop(): Promise<void>;
}

/** Builds the gateway and listens; `port: 0` picks a free port (tests). */
export async function start(config: Config, overrides: GatewayOverrides = {}): Promise<RunningServer> {
  const gateway = await createGateway(config, overrides);
  const app = createApp(gateway);
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.host, (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  // Streams can run for minutes; the client's own timeout governs them, not Node's defaults.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host === "0.0.0.0" || host === "[::]" ? "127.0.0.1" : host}:${address.port}`;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, config.shutdownTimeoutMs).unref());
      await Promise.race([closed, deadline]);
      server.closeAllConnections();
      await gateway.close();
    })();
    return stopping;
  };
  return { gateway, server, url, stop };
}

async function main(): Promise<void> {
  let config: Config;
  let running: RunningServer;
  try {
    config = loadConfig(process.env);
    running = await start(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`gemini-rotator: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { gateway } = running;
  gateway.logger.info(
    {
      url: running.url,
      keys: gateway.pool.size,
      accessToken: config.accessToken
        ? "required on /v1 and /v1beta"
        : "off (anyone who reaches the port can use the keys)",
      adminToken: config.adminToken
        ? "required on /admin and /status"
        : "off (/admin answers loopback clients only)",
      stateFile: config.stateFile,
    },
    "gemini-rotator listening",
  );
  const shutdown = (signal: string) => {
    gateway.logger.info({ signal }, "shutting down: draining in-flight requests");
    void running.stop().then(() => process.exit(0));
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  void main();
}
