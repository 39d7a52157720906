/**
 * Deterministic embeddings: the same text always gives the same unit vector, different texts different
 * ones. Values are rounded to nine decimals, about what Google prints.
 */

function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0 || 1;
}

export function embedText(text: string, dimensions: number): number[] {
  let state = hashText(text);
  const values = new Array<number>(dimensions);
  let sumOfSquares = 0;
  for (let index = 0; index < dimensions; index++) {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const value = (state >>> 0) / 0xffffffff - 0.5;
    values[index] = value;
    sumOfSquares += value * value;
  }
  const norm = Math.sqrt(sumOfSquares) || 1;
  for (let index = 0; index < dimensions; index++) {
    values[index] = Math.round((values[index]! / norm) * 1e9) / 1e9;
  }
  return values;
}
