/**
 * A fingerprint of a run's content options, so that results of runs that
 * sent different messages are never added up as one load.
 *
 * @module
 */
import { concatBytes } from "./buffers.ts";
import type { ContentArg } from "./types.ts";

const encoder = new TextEncoder();

/**
 * SHA-256 (hex) of the content options as given (kind, `-e`, bytes of the
 * argument or file, in order) and the framing. Content drawn per run
 * (`global.re`) does not change it: runs given the same options match.
 * Web Crypto's digest, which needs no Node compatibility module.
 */
export async function contentDigest(
  args: readonly ContentArg[],
  framing: { websocket: boolean },
): Promise<string> {
  const parts: Uint8Array[] = [encoder.encode(framing.websocket ? "ws\n" : "tcp\n")];
  for (const arg of args) {
    parts.push(encoder.encode(`${arg.kind} ${arg.unescape ? "e" : "-"} ${arg.bytes.length}\n`));
    parts.push(arg.bytes);
  }
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", concatBytes(parts)));
  return Array.from(hash, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
