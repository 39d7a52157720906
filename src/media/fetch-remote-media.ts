import { type LookupAddress, lookup as lookUpHost } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Agent, request } from "undici";
import { GatewayError, invalidRequest } from "../errors.js";
import type { GeminiInlineData } from "../gemini/wire-types.js";
import { ClientGoneError } from "../upstream/gemini-client.js";
import { isPrivateAddress } from "./is-private-address.js";
import { sniffImageType } from "./sniff-image-type.js";

export interface FetchRemoteMediaOptions {
  /** Allow loopback, private and link-local targets (a gateway inside a trusted network). */
  allowPrivateAddresses?: boolean;
  /** The client's connection: when it goes, the download stops. */
  signal?: AbortSignal;
  /** Defaults to 20 MB, Gemini's limit for a whole inline request. */
  maxBytes?: number;
  /** For the whole download, redirects included. Defaults to 15 s. */
  timeoutMs?: number;
  /** Defaults to 3. */
  maxRedirects?: number;
  /** Told of every piece as it arrives, before it is kept; may throw to stop the download. */
  onBytes?: (bytes: number) => void;
}

const defaultMaxBytes = 20 * 1024 * 1024;
const defaultTimeoutMs = 15_000;
const defaultMaxRedirects = 3;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/** Refuses a connection whose DNS answer includes a refused address (see is-private-address.ts). */
class RefusedAddressError extends Error {
  constructor(
    readonly hostname: string,
    readonly address: string,
  ) {
    super(`${hostname} resolves to ${address}, a private or loopback address`);
  }
}

/**
 * Downloads an http(s) image a client referenced in `image_url`, for Gemini's `inlineData`.
 *
 * Server-side request forgery is the risk: a client could make the gateway read its own network. So,
 * unless `allowPrivateAddresses`, the host is resolved first and EVERY address it resolves to is
 * checked; the check runs inside the connection's own DNS lookup, so the address connected to is the
 * address checked (no second lookup for a rebinding DNS server to answer differently). Literal IP hosts
 * are checked before connecting, and every redirect is checked again. Size and time are capped.
 * Every failure is a 400 (413 when too large) that names the URL and the problem; a client hang-up is a
 * `ClientGoneError`, which is no failure of the gateway's and is not logged as one.
 */
export async function fetchRemoteMedia(
  url: string,
  options: FetchRemoteMediaOptions = {},
): Promise<GeminiInlineData> {
  const allowPrivateAddresses = options.allowPrivateAddresses === true;
  const maxBytes = options.maxBytes ?? defaultMaxBytes;
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const maxRedirects = options.maxRedirects ?? defaultMaxRedirects;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const agent = new Agent({ connect: { lookup: guardedLookup(allowPrivateAddresses) } });

  try {
    let currentUrl = parseMediaUrl(url);
    for (let redirects = 0; ; redirects++) {
      if (!allowPrivateAddresses) refuseLiteralPrivateHost(currentUrl, url);
      const response = await request(currentUrl, {
        method: "GET",
        dispatcher: agent,
        signal,
        headers: { accept: "image/*" },
      });
      if (redirectStatuses.has(response.statusCode)) {
        await response.body.dump();
        const location = response.headers.location;
        if (typeof location !== "string" || redirects >= maxRedirects) {
          throw mediaError(url, `too many redirects or a redirect without a location`);
        }
        currentUrl = parseMediaUrl(new URL(location, currentUrl).href, url);
        continue;
      }
      if (response.statusCode < 200 || response.statusCode > 299) {
        await response.body.dump();
        throw mediaError(url, `the server answered HTTP ${response.statusCode}`);
      }
      const declaredLength = Number(response.headers["content-length"]);
      if (Number.isFinite(declaredLength) && declaredLength > maxBytes) {
        await response.body.dump();
        throw tooLarge(url, maxBytes);
      }
      const bytes = await readCapped(response.body, maxBytes, url, options.onBytes);
      return {
        mimeType: imageMimeType(response.headers["content-type"], bytes, url),
        data: bytes.toString("base64"),
      };
    }
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    if (options.signal?.aborted) throw new ClientGoneError("client disconnected during an image download");
    if (timeout.aborted) throw mediaError(url, `the download took longer than ${timeoutMs} ms`);
    const refused = findRefusedAddress(error);
    if (refused !== undefined) {
      throw mediaError(url, `${refused.message}; downloads from such addresses are not allowed`);
    }
    throw mediaError(url, `the download failed (${describe(error)})`);
  } finally {
    void agent.close();
  }
}

function parseMediaUrl(text: string, originalUrl = text): URL {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw mediaError(originalUrl, "it is not a valid URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw mediaError(originalUrl, `only http and https URLs can be downloaded, not ${parsed.protocol}`);
  }
  return parsed;
}

function refuseLiteralPrivateHost(url: URL, originalUrl: string): void {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) !== 0 && isPrivateAddress(host)) {
    throw mediaError(
      originalUrl,
      `${host} is a private or loopback address; downloads from it are not allowed`,
    );
  }
}

/** A `lookup` for net.connect that resolves every address and refuses the host if any is refused. */
function guardedLookup(allowPrivateAddresses: boolean): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    lookUpHost(
      hostname,
      { all: true, family: lookupOptions.family, hints: lookupOptions.hints },
      (error, addresses) => {
        if (error) {
          callback(error, "", 0);
          return;
        }
        const usable: LookupAddress[] = addresses;
        if (!allowPrivateAddresses) {
          const refused = usable.find((candidate) => isPrivateAddress(candidate.address));
          if (refused !== undefined) {
            callback(new RefusedAddressError(hostname, refused.address) as NodeJS.ErrnoException, "", 0);
            return;
          }
        }
        const first = usable[0];
        if (first === undefined) {
          callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 0);
          return;
        }
        if (lookupOptions.all)
          (callback as unknown as (error: null, all: LookupAddress[]) => void)(null, usable);
        else callback(null, first.address, first.family);
      },
    );
  };
}

async function readCapped(
  body: AsyncIterable<Uint8Array> & { destroy(): unknown },
  maxBytes: number,
  url: string,
  onBytes: ((bytes: number) => void) | undefined,
) {
  const pieces: Uint8Array[] = [];
  let total = 0;
  for await (const piece of body) {
    total += piece.byteLength;
    try {
      if (total > maxBytes) throw tooLarge(url, maxBytes);
      onBytes?.(piece.byteLength);
    } catch (error) {
      body.destroy();
      throw error;
    }
    pieces.push(piece);
  }
  return Buffer.concat(pieces, total);
}

/** The declared image type; when the server declares none or a generic one, the bytes decide. */
function imageMimeType(contentType: string | string[] | undefined, bytes: Uint8Array, url: string): string {
  const declared = (Array.isArray(contentType) ? contentType[0] : contentType)
    ?.split(";")[0]
    ?.trim()
    .toLowerCase();
  if (declared?.startsWith("image/")) return declared;
  const sniffed = sniffImageType(bytes);
  if (sniffed !== undefined) return sniffed;
  throw mediaError(url, `it is not an image (content-type ${declared || "missing"})`);
}

function findRefusedAddress(error: unknown): RefusedAddressError | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof RefusedAddressError) return current;
    if (current instanceof AggregateError) {
      const inner = current.errors.find((candidate) => candidate instanceof RefusedAddressError);
      if (inner !== undefined) return inner;
    }
    current = current.cause;
  }
  return undefined;
}

function tooLarge(url: string, maxBytes: number): GatewayError {
  return new GatewayError({
    status: 413,
    code: "media_too_large",
    message: `The image URL ${shorten(url)} could not be used: it is larger than ${describeBytes(maxBytes)}.`,
  });
}

/** `20 MB`, or `512 KB` for limits under a megabyte. */
export function describeBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${Math.round(bytes / 1024)} KB`;
}

function mediaError(url: string, problem: string): GatewayError {
  return invalidRequest(
    `The image URL ${shorten(url)} could not be used: ${problem}.`,
    null,
    "invalid_image_url",
  );
}

function shorten(url: string): string {
  return url.length > 200 ? `${url.slice(0, 200)}…` : url;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
