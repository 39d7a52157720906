import { z } from "zod";
import type {
  GeminiCandidate,
  GeminiGenerateContentResponse,
  GeminiModel,
  GeminiPart,
  GeminiUsageMetadata,
} from "./wire-types.js";

/**
 * Light shape checks of what Google answers, at the boundary where its JSON enters the gateway (instead
 * of a cast). Each schema checks the structure the gateway walks (objects where objects are read,
 * arrays where arrays are iterated, strings and numbers where they are used) and lets every other field
 * through untouched, so a field Google adds never breaks a request. Typed against wire-types.ts: the
 * compiler proves that what passes is what the code reads.
 */

const part: z.ZodType<GeminiPart> = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  inlineData: z.looseObject({ mimeType: z.string(), data: z.string() }).optional(),
  fileData: z.looseObject({ mimeType: z.string().optional(), fileUri: z.string() }).optional(),
  functionCall: z
    .looseObject({
      id: z.string().optional(),
      name: z.string(),
      args: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});

const candidate: z.ZodType<GeminiCandidate> = z.looseObject({
  content: z.looseObject({ role: z.string().optional(), parts: z.array(part).optional() }).optional(),
  finishReason: z.string().optional(),
  finishMessage: z.string().optional(),
  index: z.number().optional(),
});

export const usageMetadataShape: z.ZodType<GeminiUsageMetadata> = z.looseObject({
  promptTokenCount: z.number().optional(),
  candidatesTokenCount: z.number().optional(),
  thoughtsTokenCount: z.number().optional(),
  toolUsePromptTokenCount: z.number().optional(),
  cachedContentTokenCount: z.number().optional(),
  totalTokenCount: z.number().optional(),
});

/** A generateContent answer, or one chunk of a streamGenerateContent stream. */
export const generateContentResponseShape: z.ZodType<GeminiGenerateContentResponse> = z.looseObject({
  candidates: z.array(candidate).optional(),
  promptFeedback: z.looseObject({ blockReason: z.string().optional() }).optional(),
  usageMetadata: usageMetadataShape.optional(),
  modelVersion: z.string().optional(),
  responseId: z.string().optional(),
});

/** One model of Google's list (`GET /v1beta/models/{id}`). */
export const modelShape: z.ZodType<GeminiModel> = z.looseObject({ name: z.string() });

/**
 * One page of `GET /v1beta/models`. Entries are checked one by one where they are read, so one odd entry
 * costs that entry, not the whole list.
 */
export const modelListPageShape = z.looseObject({
  models: z.array(z.unknown()).optional(),
  nextPageToken: z.string().optional(),
});

/** A `batchEmbedContents` answer: the vectors are checked where they are read. */
export const batchEmbedResponseShape = z.looseObject({
  embeddings: z.array(z.unknown()).optional(),
  usageMetadata: z.looseObject({ promptTokenCount: z.number().optional() }).optional(),
});
