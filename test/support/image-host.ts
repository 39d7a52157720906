/**
 * A web server on loopback that serves PNG "images" of any size, for the media-download limits:
 * `/image/<bytes>/<anything>` answers `<bytes>` bytes (a PNG signature, then zeros), each URL distinct.
 * It records how many downloads it served at once, and `/hang/<anything>` never answers.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface ImageHost {
  url: string;
  /** Requests received so far. */
  requests: number;
  /** The most downloads that were in progress at the same moment. */
  mostAtOnce: number;
  /** `/hang/…` requests whose connection the downloader has closed. */
  abandoned: number;
  /** Every answer waits this long before its first byte (to let concurrent downloads overlap). */
  delayMs: number;
  reset(): void;
  close(): Promise<void>;
}

export async function startImageHost(): Promise<ImageHost> {
  let inProgress = 0;
  const zeros = Buffer.alloc(1024 * 1024);
  const host: ImageHost = {
    url: "",
    requests: 0,
    mostAtOnce: 0,
    abandoned: 0,
    delayMs: 0,
    reset() {
      host.requests = 0;
      host.mostAtOnce = 0;
      host.abandoned = 0;
      host.delayMs = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server: Server = createServer((request, response) => {
    host.requests += 1;
    const [, kind, size] = (request.url ?? "").split("/");
    if (kind === "hang") {
      request.socket.once("close", () => {
        host.abandoned += 1;
      });
      return;
    }
    const total = Number(size);
    if (kind !== "image" || !Number.isSafeInteger(total) || total < PNG_SIGNATURE.length) {
      response.writeHead(404).end();
      return;
    }
    inProgress += 1;
    host.mostAtOnce = Math.max(host.mostAtOnce, inProgress);
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      inProgress -= 1;
    };
    response.once("close", finish);
    setTimeout(() => {
      response.writeHead(200, { "content-type": "image/png", "content-length": String(total) });
      response.write(PNG_SIGNATURE);
      let left = total - PNG_SIGNATURE.length;
      const writeMore = () => {
        while (left > 0) {
          const piece = zeros.subarray(0, Math.min(left, zeros.length));
          left -= piece.length;
          if (!response.write(piece)) {
            response.once("drain", writeMore);
            return;
          }
        }
        response.end();
      };
      writeMore();
    }, host.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  host.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return host;
}
