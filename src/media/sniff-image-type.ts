/**
 * The image type from the first bytes, for servers that answer `application/octet-stream` or nothing
 * (object stores often do). Only the formats Gemini reads are recognized.
 */
export function sniffImageType(bytes: Uint8Array): string | undefined {
  const startsWith = (signature: readonly number[], offset = 0) =>
    signature.every((byte, position) => bytes[offset + position] === byte);
  if (startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith([0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith([0x47, 0x49, 0x46, 0x38])) return "image/gif";
  if (startsWith([0x52, 0x49, 0x46, 0x46]) && startsWith([0x57, 0x45, 0x42, 0x50], 8)) return "image/webp";
  if (startsWith([0x66, 0x74, 0x79, 0x70, 0x68, 0x65, 0x69], 4)) return "image/heic";
  return undefined;
}
