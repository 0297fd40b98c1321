/**
 * A fingerprint of a run's content options, so that results of runs that
 * sent different messages are never added up as one load.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { ContentArg } from "./types.ts";

/**
 * SHA-256 (hex) of the content options as given (kind, `-e`, bytes of the
 * argument or file, in order) and the framing. Content drawn per run
 * (`global.re`) does not change it: runs given the same options match.
 */
export function contentDigest(
  args: readonly ContentArg[],
  framing: { websocket: boolean },
): string {
  const hash = createHash("sha256");
  hash.update(framing.websocket ? "ws\n" : "tcp\n");
  for (const arg of args) {
    hash.update(`${arg.kind} ${arg.unescape ? "e" : "-"} ${arg.bytes.length}\n`);
    hash.update(arg.bytes);
  }
  return hash.digest("hex");
}
