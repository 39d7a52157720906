import pLimit from "p-limit";
import { GatewayError, invalidRequest } from "../errors.js";
import type { GeminiInlineData } from "../gemini/wire-types.js";
import { ClientGoneError } from "../upstream/gemini-client.js";
import { describeBytes, fetchRemoteMedia } from "./fetch-remote-media.js";
import { MediaAccount, processDownloadSlot } from "./media-budget.js";
import { DEFAULT_MEDIA_LIMITS, DOWNLOADS_PER_REQUEST, type MediaLimits } from "./media-limits.js";

export interface RequestMediaOptions {
  /** The client's connection: when it goes, every download stops. */
  signal: AbortSignal;
  /** Allow loopback and private addresses (`ALLOW_PRIVATE_MEDIA_URLS`). */
  allowPrivateAddresses: boolean;
  limits?: MediaLimits;
  /**
   * The request field that holds the image URLs, named as `param` in a 400 for too many of them:
   * `input` for OpenAI Responses, `messages` (the default) for OpenAI Chat and Anthropic Messages.
   */
  param?: string;
  /**
   * The client's response. The downloaded bytes count against the process-wide budget until it
   * closes, because the request holds them (and their base64 copy) until then.
   */
  response: { once(event: "close", listener: () => void): unknown };
}

/**
 * Downloads every http(s) image one request names, within the limits: how many URLs, how many bytes
 * for the request, how many bytes held process-wide, and how many downloads run at once (per request
 * and per process). Without such limits one small request naming many large images could make the
 * process hold gigabytes. Answers the images by URL; a limit crossed is a 400, 413 or 503 naming it.
 */
export async function fetchRemoteMediaForRequest(
  urls: readonly string[],
  options: RequestMediaOptions,
): Promise<Map<string, GeminiInlineData>> {
  const distinctUrls = [...new Set(urls)];
  if (distinctUrls.length === 0) return new Map();
  const limits = options.limits ?? DEFAULT_MEDIA_LIMITS;
  if (distinctUrls.length > limits.maxUrls) {
    throw invalidRequest(
      `This request names ${distinctUrls.length} image URLs for the gateway to download; at most ${limits.maxUrls} are allowed (MEDIA_MAX_URLS). Send fewer, or send images as data: URLs.`,
      options.param ?? "messages",
      "too_many_media_urls",
    );
  }

  const account = new MediaAccount(limits.maxProcessBytes);
  options.response.once("close", () => account.release());
  // The first failure stops the request's other downloads.
  const failed = new AbortController();
  const signal = AbortSignal.any([options.signal, failed.signal]);
  let requestBytes = 0;
  const countBytes = (bytes: number) => {
    requestBytes += bytes;
    if (requestBytes > limits.maxRequestBytes) {
      throw new GatewayError({
        status: 413,
        code: "media_too_large",
        message: `The images this request links add up to more than ${describeBytes(limits.maxRequestBytes)} (MEDIA_MAX_REQUEST_BYTES). Send fewer or smaller images.`,
      });
    }
    account.take(bytes);
  };

  const requestSlot = pLimit(DOWNLOADS_PER_REQUEST);
  const download = async (url: string) => {
    if (signal.aborted) throw new ClientGoneError("request over before its download started");
    const inlineData = await fetchRemoteMedia(url, {
      allowPrivateAddresses: options.allowPrivateAddresses,
      signal,
      maxBytes: limits.maxRequestBytes,
      onBytes: countBytes,
    });
    return [url, inlineData] as const;
  };
  try {
    const downloaded = await Promise.all(
      distinctUrls.map((url) => requestSlot(() => processDownloadSlot(() => download(url)))),
    );
    return new Map(downloaded);
  } catch (error) {
    failed.abort();
    account.release();
    if (options.signal.aborted) throw new ClientGoneError("client disconnected during an image download");
    throw error;
  }
}
