/** Moved to test/support/openai-chat-stream.ts; this re-export goes once every test imports from there. */
export {
  assertChatChunkInvariants as assertStreamInvariants,
  type ChunkInvariantOptions as InvariantOptions,
  runStream,
} from "../../support/openai-chat-stream.js";
