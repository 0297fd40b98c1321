/**
 * Reads `\{message.marker}` timestamps out of a received byte stream:
 * `TCPKaliMsgTS-` (found with the streaming {@link MarkerScanner}), then
 * hex digits up to a `.`. As in tcpkali, a non-hex character before the `.`
 * counts as the digit 0. Digits and the `.` may arrive in later reads.
 *
 * A sender stamps every marker of one write with the same time, so a read
 * holds long runs of identical messages. Once a marker is found, a stretch
 * of the stream that repeats the one just scanned byte for byte holds the
 * same marker at the same place (and no other): the reader checks such
 * repeats with a few word compares instead of searching and parsing, and
 * reports each run of equal timestamps once, with its length.
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
const IS_DOT = new Uint8Array(256);
IS_DOT[DOT] = 1;
/** Digits in a marker as written: 16, then the `.`. */
const WIRE_DIGITS = 16;
const PREFIX_BYTES = MARKER_PREFIX.length;
/**
 * Longest stretch (a marker and what comes before it) compared for a
 * repeat. Comparing eight bytes at a time beats the search and the parse
 * even at this length; the bound keeps the scratch space small.
 */
const MAX_REPEAT_BYTES = 4096;

/**
 * The 16 hex digits at `at` as a number, parsed in two 32-bit halves; -1
 * when one of them is a `.`, which ends the marker early.
 */
function wireValue(bytes: Uint8Array, at: number): number {
  let high = 0;
  let low = 0;
  let dots = 0;
  for (let i = 0; i < 8; i++) {
    const byte = bytes[at + i];
    high = (high << 4) | HEX_VALUE[byte];
    dots |= IS_DOT[byte];
  }
  for (let i = 8; i < 16; i++) {
    const byte = bytes[at + i];
    low = (low << 4) | HEX_VALUE[byte];
    dots |= IS_DOT[byte];
  }
  return dots !== 0 ? -1 : (high >>> 0) * 4294967296 + (low >>> 0);
}

/**
 * Words of a repeated stretch past its first 24 bytes (see
 * `MarkerTimestampReader.#repeated`): scratch space shared by every reader
 * of the isolate, as a comparison never yields to another.
 */
const MIDDLE_WORDS = new Float64Array(MAX_REPEAT_BYTES / 8);

/** A double equals only a double of the same bits, unless it is ±0 or NaN. */
function bitExact(word: number): boolean {
  return word === word && word !== 0;
}

/** Receives `count` markers in a row that carry the send time `epochMicros`. */
export type MarkerRun = (epochMicros: number, count: number) => void;

/** Extracts the send times (µs since the Unix epoch) of message markers. */
export class MarkerTimestampReader {
  readonly #scanner = new MarkerScanner(new TextEncoder().encode(MARKER_PREFIX));
  /** Inside the digits of a marker. */
  #inDigits = false;
  #value = 0;
  #digits = 0;
  /** A view of the memory of the last buffer fed (reads reuse their buffer). */
  #view: DataView | null = null;

  /**
   * Feeds the next piece of the stream and calls `found(epochMicros, count)`
   * for each run of consecutive complete markers with one send time in it,
   * in order. Returns the number of markers found.
   */
  feed(bytes: Uint8Array, from: number, to: number, found: MarkerRun): number {
    // The state lives in locals while scanning: a timestamp does not fit a
    // small integer, and storing it in a field per digit would box it.
    let inDigits = this.#inDigits;
    let value = this.#value;
    let digits = this.#digits;
    let count = 0;
    // Markers found but not yet reported: `runCount` of them stamped `runValue`.
    let runValue = -1;
    let runCount = 0;
    let at = from;
    while (at < to) {
      let stamp: number;
      let markers = 1;
      if (!inDigits) {
        const end = this.#scanner.next(bytes, at, to);
        if (end < 0) break;
        const next = end + WIRE_DIGITS + 1;
        stamp = next <= to && bytes[end + WIRE_DIGITS] === DOT ? wireValue(bytes, end) : -1;
        if (stamp < 0) { // digits to come in later reads, or an early `.`
          inDigits = true;
          value = 0;
          digits = 0;
          at = end;
          continue;
        }
        // A whole marker, as kali and tcpkali write it; then its repeats.
        const run = end - PREFIX_BYTES >= at ? this.#repeated(bytes, at, next, to) : 0;
        markers += run;
        at = next + run * (next - at);
      } else {
        const byte = bytes[at++];
        if (byte !== DOT) {
          if (++digits > MAX_DIGITS) inDigits = false; // not a marker after all
          else value = value * 16 + HEX_VALUE[byte];
          continue;
        }
        inDigits = false;
        stamp = value;
      }
      count += markers;
      if (stamp === runValue) {
        runCount += markers;
        continue;
      }
      if (runCount > 0) found(runValue, runCount);
      runValue = stamp;
      runCount = markers;
    }
    if (runCount > 0) found(runValue, runCount);
    this.#inDigits = inDigits;
    this.#value = value;
    this.#digits = digits;
    return count;
  }

  /**
   * How many times `bytes[start, next)` — scanned from `start`, its one
   * marker ending at `next` — repeats right after it, within `[next, to)`.
   * Compares eight bytes at a time, as doubles: the first 24 bytes and the
   * last 8 (overlapping when the length is not a multiple of 8) held in
   * locals, any bytes between in `MIDDLE_WORDS`.
   */
  #repeated(bytes: Uint8Array, start: number, next: number, to: number): number {
    const n = next - start;
    if (n > MAX_REPEAT_BYTES || next + n > to) return 0;
    let view = this.#view;
    if (view === null || view.buffer !== bytes.buffer) {
      view = this.#view = new DataView(bytes.buffer);
    }
    const a = bytes.byteOffset + start;
    const tail = n - 8; // n ≥ 30: the marker lies inside
    const w0 = view.getFloat64(a, true);
    const w1 = view.getFloat64(a + 8, true);
    const w2 = view.getFloat64(a + 16, true);
    const wt = view.getFloat64(a + tail, true);
    if (!bitExact(w0) || !bitExact(w1) || !bitExact(w2) || !bitExact(wt)) return 0;
    const middle = MIDDLE_WORDS;
    let words = 0;
    for (let i = 24; i < tail; i += 8) {
      const word = view.getFloat64(a + i, true);
      if (!bitExact(word)) return 0;
      middle[words++] = word;
    }
    const end = bytes.byteOffset + to;
    let run = 0;
    for (let b = a + n; b + n <= end; b += n) {
      if (
        view.getFloat64(b, true) !== w0 || view.getFloat64(b + 8, true) !== w1 ||
        view.getFloat64(b + 16, true) !== w2 || view.getFloat64(b + tail, true) !== wt
      ) break;
      let k = 0;
      while (k < words && view.getFloat64(b + 24 + 8 * k, true) === middle[k]) k++;
      if (k < words) break;
      run++;
    }
    return run;
  }
}
