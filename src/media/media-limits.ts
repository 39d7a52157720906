/** How much remote media the gateway downloads for clients (`MEDIA_MAX_*` settings). */
export interface MediaLimits {
  /** Distinct http(s) URLs one request may name. */
  readonly maxUrls: number;
  /** Bytes one request's downloads may add up to (Gemini takes at most 20 MB inline per request). */
  readonly maxRequestBytes: number;
  /** Bytes every request in flight may hold at once, process-wide: what bounds the memory. */
  readonly maxProcessBytes: number;
}

export const DEFAULT_MEDIA_LIMITS: MediaLimits = Object.freeze({
  maxUrls: 16,
  maxRequestBytes: 20 * 1024 * 1024,
  maxProcessBytes: 64 * 1024 * 1024,
});

/** Downloads one request runs at once; the rest wait their turn. */
export const DOWNLOADS_PER_REQUEST = 4;

/** Downloads the whole process runs at once, whichever requests they serve. */
export const DOWNLOADS_PER_PROCESS = 8;
