/**
 * `--message-stop S`: a streaming search for S in the bytes a connection
 * receives (matches may span reads), and the tap that ends the run on the
 * first match.
 *
 * @module
 */
import type { TrafficTap } from "./connection.ts";

/**
 * The Knuth-Morris-Pratt automaton for one needle. Shared by every
 * connection; each keeps only its own state (the matched prefix length).
 */
export class StreamSearch {
  readonly needle: Uint8Array;
  readonly #fail: Int32Array;

  constructor(needle: Uint8Array) {
    if (needle.length === 0) throw new RangeError("empty needle");
    this.needle = needle;
    const fail = new Int32Array(needle.length);
    for (let i = 1, k = 0; i < needle.length; i++) {
      while (k > 0 && needle[i] !== needle[k]) k = fail[k - 1];
      if (needle[i] === needle[k]) k++;
      fail[i] = k;
    }
    this.#fail = fail;
  }

  /**
   * Feeds `bytes[0, n)` with `state` (the prefix matched so far). Returns
   * the new state, or, on a match, `-(end + 1)` where `end` is the index in
   * `bytes` just past the match.
   */
  feed(state: number, bytes: Uint8Array, n: number): number {
    const needle = this.needle;
    const fail = this.#fail;
    const last = needle.length;
    let k = state;
    for (let i = 0; i < n; i++) {
      const byte = bytes[i];
      while (k > 0 && byte !== needle[k]) k = fail[k - 1];
      if (byte === needle[k] && ++k === last) return -(i + 2);
    }
    return k;
  }
}

/** What is reported when the needle is found. */
export interface MessageStopHit {
  /** A copy of the read chunk that holds the end of the match. */
  chunk: Uint8Array;
  /** Index in `chunk` just past the match. */
  matchEnd: number;
}

/** A per-connection tap that calls `onFound` once, on the first match. */
export function messageStopTap(
  search: StreamSearch,
  onFound: (hit: MessageStopHit) => void,
): TrafficTap {
  let state = 0;
  return {
    received(_connection, bytes, n) {
      if (state < 0) return;
      state = search.feed(state, bytes, n);
      if (state < 0) onFound({ chunk: bytes.slice(0, n), matchEnd: -state - 1 });
    },
  };
}
