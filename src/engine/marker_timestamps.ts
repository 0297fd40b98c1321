/**
 * Reads `\{message.marker}` timestamps out of a received byte stream:
 * `TCPKaliMsgTS-` (found with the streaming {@link MarkerScanner}), then
 * hex digits up to a `.`. As in tcpkali, a non-hex character before the `.`
 * counts as the digit 0. Digits and the `.` may arrive in later reads.
 *
 * @module
 */
import { MARKER_PREFIX } from "../content/marker.ts";
import { MarkerScanner } from "./marker_scanner.ts";

/** Characters read after the prefix before giving up on a missing `.`. */
const MAX_DIGITS = 32;

const HEX_VALUE = new Int8Array(256).fill(0);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUE[97 + i] = 10 + i;
  HEX_VALUE[65 + i] = 10 + i;
}
const DOT = 46;

/** Extracts the send times (µs since the Unix epoch) of message markers. */
export class MarkerTimestampReader {
  readonly #scanner = new MarkerScanner(new TextEncoder().encode(MARKER_PREFIX));
  /** Inside the digits of a marker. */
  #inDigits = false;
  #value = 0;
  #digits = 0;

  /**
   * Feeds the next piece of the stream and calls `found(epochMicros)` for
   * each complete marker in it, in order. Returns the number found.
   */
  feed(bytes: Uint8Array, from: number, to: number, found: (epochMicros: number) => void): number {
    let count = 0;
    let at = from;
    while (at < to) {
      if (!this.#inDigits) {
        const end = this.#scanner.next(bytes, at, to);
        if (end < 0) return count;
        this.#inDigits = true;
        this.#value = 0;
        this.#digits = 0;
        at = end;
        continue;
      }
      const byte = bytes[at++];
      if (byte === DOT) {
        this.#inDigits = false;
        count++;
        found(this.#value);
      } else if (++this.#digits > MAX_DIGITS) {
        this.#inDigits = false; // not a marker after all
      } else {
        this.#value = this.#value * 16 + HEX_VALUE[byte];
      }
    }
    return count;
  }
}
