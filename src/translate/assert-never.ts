/** The fallback arm of an exhaustive switch: TypeScript proves it unreachable, and it fails loudly if not. */
export function assertNever(value: never, what: string): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
