/** Shared helpers for content tests. */
import { UsageError } from "../../src/errors.ts";
import {
  compileContent,
  type CompiledContent,
  contentFactory,
  type FactoryOptions,
} from "../../src/content/template.ts";
import type { ContentArg, MessageSource, Side } from "../../src/content/types.ts";

export const encode = (s: string): Uint8Array => new TextEncoder().encode(s);
export const latin1 = (b: Uint8Array): string => new TextDecoder("latin1").decode(b);

/** Builds a ContentArg from a string. */
export function arg(
  text: string,
  kind: ContentArg["kind"] = "message",
  unescape = false,
): ContentArg {
  return { kind, bytes: encode(text), unescape, origin: kind === "first" ? "-1" : "-m" };
}

/** Compiles `-m text` with a fixed seed. */
export function compileMessage(text: string, unescape = false): CompiledContent {
  return compileContent([arg(text, "message", unescape)], { seed: 7 });
}

/** One connection's source for `-m text`, small blocks unless asked. */
export function sourceFor(
  content: CompiledContent,
  uid = 1,
  side: Side = "client",
  options: FactoryOptions = {},
): MessageSource {
  return contentFactory(content, side, { minBlockBytes: 1, seed: 11, ...options }).forConnection(
    uid,
  );
}

/** The UsageError thrown by `fn`, or a failure. */
export function usageErrorOf(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error("expected a UsageError");
}
