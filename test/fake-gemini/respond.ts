/**
 * Writing answers with the headers Google sends (reference §2, §3) and in the style of the route.
 */
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Exchange } from "./exchange.js";
import { toPrettyJson } from "./json.js";
import type { ErrorReply } from "./types.js";

const JSON_TYPE = "application/json; charset=UTF-8";

export function googleHeaders(contentType: string, startedAt: number): OutgoingHttpHeaders {
  return {
    "content-type": contentType,
    vary: "Origin, X-Origin, Referer",
    server: "scaffolding on HTTPServer2",
    "x-xss-protection": "0",
    "x-frame-options": "SAMEORIGIN",
    "x-content-type-options": "nosniff",
    "server-timing": `gfet4t7; dur=${Date.now() - startedAt}`,
  };
}

export function writeHead(exchange: Exchange, status: number, headers: OutgoingHttpHeaders): void {
  exchange.record.status = status;
  exchange.response.writeHead(status, headers);
}

/** Google pretty-prints JSON answers. A `brokenBody` reply cuts the body short and breaks the connection. */
export function sendJson(exchange: Exchange, status: number, body: unknown): void {
  const bytes = Buffer.from(toPrettyJson(body));
  writeHead(exchange, status, {
    ...googleHeaders(JSON_TYPE, exchange.startedAt),
    "content-length": bytes.length,
  });
  const cutAfter = exchange.cutBodyAfterBytes;
  if (cutAfter === undefined) {
    exchange.response.end(bytes);
    return;
  }
  const sent = cutAfter < 0 ? Math.floor(bytes.length / 2) : Math.min(cutAfter, bytes.length - 1);
  exchange.response.write(bytes.subarray(0, sent), () => dropConnection(exchange));
}

/** An error in the route's style. A string body goes out verbatim (e.g. an HTML page from a proxy). */
export function sendError(exchange: Exchange, reply: ErrorReply): void {
  const { style } = exchange.route;
  let text: string;
  let contentType = style === "sse" ? "text/event-stream" : JSON_TYPE;
  if (typeof reply.body === "string") {
    text = reply.body;
    contentType = "text/plain; charset=UTF-8";
  } else if ((style === "json-array" || style === "openai") && !Array.isArray(reply.body)) {
    text = `[${toPrettyJson(reply.body)}\n]`;
  } else {
    text = toPrettyJson(reply.body);
  }
  writeHead(exchange, reply.status, {
    ...googleHeaders(contentType, exchange.startedAt),
    "content-length": Buffer.byteLength(text),
    ...reply.headers,
  });
  exchange.response.end(text);
}

/** Closes the connection without an answer (or mid-answer). */
export function dropConnection(exchange: Exchange): void {
  exchange.response.socket?.destroy();
}

/** Google's front end answers unknown paths with an HTML page, not JSON. */
export function sendNotFoundPage(response: ServerResponse, path: string, startedAt: number): void {
  const escaped = path.replace(/[<>&"]/g, (character) => `&#${character.charCodeAt(0)};`);
  const page = `<!DOCTYPE html>
<html lang=en>
  <meta charset=utf-8>
  <meta name=viewport content="initial-scale=1, minimum-scale=1, width=device-width">
  <title>Error 404 (Not Found)!!1</title>
  <a href=//www.google.com/><span id=logo aria-label=Google></span></a>
  <p><b>404.</b> <ins>That’s an error.</ins>
  <p>The requested URL <code>${escaped}</code> was not found on this server.  <ins>That’s all we know.</ins>
`;
  response.writeHead(404, {
    ...googleHeaders("text/html; charset=UTF-8", startedAt),
    "content-length": Buffer.byteLength(page),
  });
  response.end(page);
}
