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
/** Digits in a marker as written: 16, then the `.`. */
const WIRE_DIGITS = 16;

/** The 16 hex digits at `at` as a number, parsed in two 32-bit halves. */
function wireValue(bytes: Uint8Array, at: number): number {
  let high = 0;
  let low = 0;
  for (let i = 0; i < 8; i++) high = (high << 4) | HEX_VALUE[bytes[at + i]];
  for (let i = 8; i < 16; i++) low = (low << 4) | HEX_VALUE[bytes[at + i]];
  return (high >>> 0) * 4294967296 + (low >>> 0);
}

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
    // The state lives in locals while scanning: a timestamp does not fit a
    // small integer, and storing it in a field per digit would box it.
    let inDigits = this.#inDigits;
    let value = this.#value;
    let digits = this.#digits;
    let count = 0;
    let at = from;
    while (at < to) {
      if (!inDigits) {
        const end = this.#scanner.next(bytes, at, to);
        if (end < 0) break;
        if (end + WIRE_DIGITS < to && bytes[end + WIRE_DIGITS] === DOT) {
          // The usual case, a whole marker as kali and tcpkali write it.
          count++;
          found(wireValue(bytes, end));
          at = end + WIRE_DIGITS + 1;
          continue;
        }
        inDigits = true;
        value = 0;
        digits = 0;
        at = end;
        continue;
      }
      const byte = bytes[at++];
      if (byte === DOT) {
        inDigits = false;
        count++;
        found(value);
      } else if (++digits > MAX_DIGITS) {
        inDigits = false; // not a marker after all
      } else {
        value = value * 16 + HEX_VALUE[byte];
      }
    }
    this.#inDigits = inDigits;
    this.#value = value;
    this.#digits = digits;
    return count;
  }
}
