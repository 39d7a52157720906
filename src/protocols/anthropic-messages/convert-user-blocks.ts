import { invalidRequest } from "../../errors.js";
import type { GeminiInlineData, GeminiPart } from "../../gemini/wire-types.js";
import { assertNever } from "../../translate/assert-never.js";
import { isDownloadableMediaUrl } from "../../translate/convert-user-content.js";
import type { DocumentBlock, ImageBlock } from "./request-schema.js";

export interface MediaContext {
  /** http(s) images the route downloaded before translating, by URL. */
  remoteMedia: ReadonlyMap<string, GeminiInlineData>;
}

/** Gemini files are referenced by URL, not downloaded (the chat route's rule). */
const geminiFileUrlPrefix = "https://generativelanguage.googleapis.com/";

/** An image block → inlineData (base64, or the downloaded URL) or a Gemini file reference. */
export function convertImageBlock(block: ImageBlock, context: MediaContext, path: string): GeminiPart {
  const source = block.source;
  switch (source.type) {
    case "base64":
      return { inlineData: { mimeType: source.media_type, data: source.data } };
    case "url":
      return mediaFromUrl(source.url, context, `${path}.source.url`);
    case "file":
      throw filesApiError(`${path}.source.file_id`);
    default:
      return assertNever(source, "image source");
  }
}

/**
 * A document block → Gemini parts: a base64 PDF as inlineData, plain text and content documents as their
 * text (and images), a Gemini file by reference. A title or context the client gave is kept as a line
 * before it.
 */
export function convertDocumentBlock(
  block: DocumentBlock,
  context: MediaContext,
  path: string,
): GeminiPart[] {
  const parts: GeminiPart[] = [];
  const heading = [block.title, block.context].filter((line) => typeof line === "string" && line !== "");
  if (heading.length > 0) parts.push({ text: heading.join("\n") });
  const source = block.source;
  switch (source.type) {
    case "base64":
      parts.push({ inlineData: { mimeType: source.media_type, data: source.data } });
      break;
    case "text":
      if (source.data !== "") parts.push({ text: source.data });
      break;
    case "content":
      if (typeof source.content === "string") {
        if (source.content !== "") parts.push({ text: source.content });
        break;
      }
      source.content.forEach((inner, position) => {
        const innerPath = `${path}.source.content[${position}]`;
        if (inner.type === "image") parts.push(convertImageBlock(inner, context, innerPath));
        else if (inner.text !== "") parts.push({ text: inner.text });
      });
      break;
    case "url":
      // The gateway's downloader takes images only (it checks what it fetched is one).
      if (source.url.startsWith(geminiFileUrlPrefix)) parts.push({ fileData: { fileUri: source.url } });
      else {
        throw invalidRequest(
          `'${path}.source.url': this gateway downloads only images; send the document as a base64 source.`,
          `${path}.source.url`,
        );
      }
      break;
    case "file":
      throw filesApiError(`${path}.source.file_id`);
    default:
      assertNever(source, "document source");
  }
  return parts;
}

/** A search result, as the text the model would have read: title, source, then its passages. */
export function searchResultText(block: { title: string; source: string; content: Array<{ text: string }> }) {
  const passages = block.content.map((passage) => passage.text).filter((text) => text !== "");
  return [`${block.title} (${block.source})`, ...passages].join("\n");
}

function mediaFromUrl(url: string, context: MediaContext, path: string): GeminiPart {
  if (url.startsWith(geminiFileUrlPrefix)) return { fileData: { fileUri: url } };
  const downloaded = context.remoteMedia.get(url);
  if (downloaded !== undefined) return { inlineData: downloaded };
  if (isDownloadableMediaUrl(url)) {
    throw invalidRequest(`'${path}' could not be used: the URL was not downloaded (${url}).`, path);
  }
  throw invalidRequest(`'${path}' must be an http(s) URL.`, path);
}

function filesApiError(path: string) {
  return invalidRequest(
    `'${path}' refers to Anthropic's Files API, which this gateway cannot read; send the file as a base64 source.`,
    path,
  );
}
