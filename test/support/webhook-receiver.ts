/**
 * A webhook receiver on loopback for alert tests: records every POST (path, query, parsed JSON body) and
 * answers as told per path: 200 (default), a failure status for the first N posts, or never.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedPost {
  path: string;
  query: URLSearchParams;
  body: any;
  time: number;
}

export type ReceiverBehaviour =
  | { kind: "ok"; body?: unknown }
  | { kind: "fail"; times: number; status: number }
  | { kind: "hang" };

export interface WebhookReceiver {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  posts: ReceivedPost[];
  /** Posts to one path. */
  postsTo(path: string): ReceivedPost[];
  /** Requests that arrived and are still waiting for an answer (on `hang` paths). */
  hanging(): number;
  behave(path: string, behaviour: ReceiverBehaviour): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const posts: ReceivedPost[] = [];
  const behaviours = new Map<string, ReceiverBehaviour>();
  const failures = new Map<string, number>();
  const held = new Set<ServerResponse>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://receiver");
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        body = Buffer.concat(chunks).toString("utf8");
      }
      posts.push({ path: url.pathname, query: url.searchParams, body, time: Date.now() });
      const behaviour = behaviours.get(url.pathname) ?? { kind: "ok" };
      switch (behaviour.kind) {
        case "ok":
          response.writeHead(200, { "content-type": "application/json" });
          response.end(JSON.stringify(behaviour.body ?? { ok: true }));
          return;
        case "fail": {
          const failed = failures.get(url.pathname) ?? 0;
          if (failed < behaviour.times) {
            failures.set(url.pathname, failed + 1);
            response.writeHead(behaviour.status).end("unavailable");
          } else {
            response.writeHead(200, { "content-type": "application/json" }).end("{}");
          }
          return;
        }
        case "hang":
          held.add(response);
          response.on("close", () => held.delete(response));
          return;
        default: {
          const unexpected: never = behaviour;
          throw new Error(`unknown behaviour ${JSON.stringify(unexpected)}`);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    posts,
    postsTo: (path) => posts.filter((post) => post.path === path),
    hanging: () => held.size,
    behave: (path, behaviour) => behaviours.set(path, behaviour),
    async close() {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
