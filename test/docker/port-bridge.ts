/**
 * Forwards every connection accepted on one endpoint to another, byte for byte, both ways. The started
 * image lives in its own network namespace, as a container does; Unix sockets cross into it where TCP
 * cannot, so a bridge on each side publishes the container's port on the host's loopback (as
 * docker-proxy does) and lets the gateway inside reach the fake Gemini outside.
 *
 * Also a program, run inside the namespace (Node strips the types): each pair of arguments is a listen
 * endpoint and a connect endpoint, `host:port` or a socket path. It prints `ready` once it listens on
 * all of them.
 */
import { connect, createServer, type Server } from "node:net";
import { fileURLToPath } from "node:url";

export type Endpoint = { path: string } | { host: string; port: number };

export function parseEndpoint(text: string): Endpoint {
  const hostAndPort = text.match(/^([\d.]+):(\d+)$/);
  return hostAndPort ? { host: hostAndPort[1] ?? "", port: Number(hostAndPort[2]) } : { path: text };
}

/** Listens on `listenOn` (port 0: any free one) and resolves once it does. */
export function bridge(listenOn: Endpoint, connectTo: Endpoint): Promise<Server> {
  const server = createServer((incoming) => {
    const outgoing = connect(connectTo);
    incoming.pipe(outgoing).pipe(incoming);
    // Either side ending or failing ends the other, as a closed TCP connection would.
    incoming.on("error", () => outgoing.destroy());
    outgoing.on("error", () => incoming.destroy());
    incoming.on("close", () => outgoing.destroy());
    outgoing.on("close", () => incoming.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenOn, () => resolve(server));
  });
}

/** The port a bridge listening on TCP got. */
export function portOf(server: Server): number {
  const address = server.address();
  return typeof address === "object" && address ? address.port : 0;
}

async function main(endpoints: string[]): Promise<void> {
  for (let index = 0; index + 1 < endpoints.length; index += 2) {
    await bridge(parseEndpoint(endpoints[index] ?? ""), parseEndpoint(endpoints[index + 1] ?? ""));
  }
  process.stdout.write("ready\n");
  process.on("SIGTERM", () => process.exit(0));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`port-bridge: ${String(error)}\n`);
    process.exit(1);
  });
}
