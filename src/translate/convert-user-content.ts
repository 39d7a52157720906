import { invalidRequest } from "../errors.js";
import type { GeminiInlineData, GeminiPart } from "../gemini/wire-types.js";
import type { UserContentPart } from "../openai/chat-request-schema.js";
import { assertNever } from "./assert-never.js";
import { parseDataUrl } from "./parse-data-url.js";

/** Files already uploaded to Gemini's Files API are referenced, not downloaded. */
const geminiFileUrlPrefix = "https://generativelanguage.googleapis.com/";

/** Gemini reads YouTube links itself as `fileData` (ai.google.dev/gemini-api/docs/video-understanding). */
const youTubeUrlPattern = /^https:\/\/(www\.|m\.)?(youtube\.com|youtu\.be)\//;

/** Where a file's type is not in a data URL, its extension decides; Gemini refuses unknown types. */
const mimeTypeByExtension: Readonly<Record<string, string>> = {
  pdf: "application/pdf",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  html: "text/html",
  json: "application/json",
  xml: "text/xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
  wav: "audio/wav",
  mp3: "audio/mp3",
  ogg: "audio/ogg",
  flac: "audio/flac",
  mp4: "video/mp4",
  webm: "video/webm",
  mov: "video/mov",
};

export interface UserContentContext {
  /** http(s) images the route downloaded before translating, by URL. */
  remoteMedia: ReadonlyMap<string, GeminiInlineData>;
}

/** A user message's content as Gemini parts; empty text is dropped because Gemini refuses empty parts. */
export function convertUserContent(
  content: string | UserContentPart[],
  context: UserContentContext,
  path: string,
): GeminiPart[] {
  if (typeof content === "string") return content === "" ? [] : [{ text: content }];
  const parts: GeminiPart[] = [];
  content.forEach((part, position) => {
    const converted = convertUserContentPart(part, context, `${path}[${position}]`);
    if (converted !== undefined) parts.push(converted);
  });
  return parts;
}

function convertUserContentPart(
  part: UserContentPart,
  context: UserContentContext,
  path: string,
): GeminiPart | undefined {
  switch (part.type) {
    case "text":
      return part.text === "" ? undefined : { text: part.text };
    case "image_url":
      return convertMediaUrl(part.image_url.url, context, `${path}.image_url.url`);
    case "video_url":
      if (youTubeUrlPattern.test(part.video_url.url)) return { fileData: { fileUri: part.video_url.url } };
      return convertMediaUrl(part.video_url.url, context, `${path}.video_url.url`);
    case "input_audio":
      return {
        inlineData: { mimeType: audioMimeType(part.input_audio.format), data: part.input_audio.data },
      };
    case "file":
      return convertFile(part.file, `${path}.file`);
    default:
      return assertNever(part, "content part");
  }
}

export function convertMediaUrl(url: string, context: UserContentContext, path: string): GeminiPart {
  const inlineData = parseDataUrl(url);
  if (inlineData !== undefined) return { inlineData };
  if (url.startsWith(geminiFileUrlPrefix)) return { fileData: { fileUri: url } };
  const downloaded = context.remoteMedia.get(url);
  if (downloaded !== undefined) return { inlineData: downloaded };
  if (isRemoteUrl(url)) {
    throw invalidRequest(`'${path}' could not be used: the URL was not downloaded (${url}).`, path);
  }
  throw invalidRequest(`'${path}' must be a data: URL or an http(s) URL.`, path);
}

function convertFile(
  file: { file_data?: string | null; file_id?: string | null; filename?: string | null },
  path: string,
): GeminiPart {
  if (typeof file.file_data === "string" && file.file_data !== "") {
    const fromDataUrl = parseDataUrl(file.file_data);
    if (fromDataUrl !== undefined) return { inlineData: fromDataUrl };
    return { inlineData: { mimeType: mimeTypeFromFilename(file.filename), data: file.file_data } };
  }
  if (typeof file.file_id === "string" && file.file_id !== "") {
    throw invalidRequest(
      `'${path}.file_id' refers to OpenAI's Files API, which this gateway cannot read; send the file as 'file_data' (a data: URL).`,
      `${path}.file_id`,
    );
  }
  throw invalidRequest(`'${path}.file_data' is required.`, `${path}.file_data`);
}

export function audioMimeType(format: string): string {
  const normalized = format.toLowerCase();
  return normalized.includes("/") ? normalized : `audio/${normalized}`;
}

export function mimeTypeFromFilename(filename: string | null | undefined): string {
  const extension = filename?.split(".").at(-1)?.toLowerCase();
  return (extension !== undefined && mimeTypeByExtension[extension]) || "application/octet-stream";
}

function isRemoteUrl(url: string): boolean {
  return url.startsWith("https://") || url.startsWith("http://");
}

/** An http(s) URL the route must download before translating: not a data URL, not a Gemini file. */
export function isDownloadableMediaUrl(url: string): boolean {
  return isRemoteUrl(url) && !url.startsWith(geminiFileUrlPrefix);
}
