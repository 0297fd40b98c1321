/**
 * Streaming Boyer-Moore-Horspool search for a latency marker in a byte
 * stream that arrives in arbitrary reads. Matches are non-overlapping and
 * may span any number of reads; the scanner keeps the last `m − 1` unmatched
 * bytes of the stream in a small buffer it owns, so a search never
 * allocates.
 *
 * @module
 */

/** Finds non-overlapping occurrences of one pattern in a byte stream. */
export class MarkerScanner {
  /** The pattern searched for. */
  readonly pattern: Uint8Array;
  readonly #skip = new Int32Array(256);
  /** The stream's last unmatched bytes before the current read (≤ m − 1). */
  readonly #carry: Uint8Array;
  #carryLength = 0;

  constructor(pattern: Uint8Array) {
    if (pattern.length === 0) throw new RangeError("empty marker");
    this.pattern = pattern.slice();
    const m = pattern.length;
    this.#skip.fill(m);
    for (let i = 0; i < m - 1; i++) this.#skip[pattern[i]] = m - 1 - i;
    this.#carry = new Uint8Array(m - 1);
  }

  /**
   * Searches `bytes[from, to)`, the next piece of the stream, for the next
   * occurrence. Returns the index just past the occurrence's last byte in
   * `bytes`, or -1 when the piece holds no (further) occurrence; in that
   * case the piece is consumed and the next call must pass the stream's
   * following bytes. After a hit, call again with `from` = the returned
   * index to continue within the same piece.
   */
  next(bytes: Uint8Array, from: number, to: number): number {
    const pattern = this.pattern;
    const m = pattern.length;
    const last = m - 1;
    const carry = this.#carry;
    const carried = this.#carryLength;
    if (carried > 0) {
      // Occurrences starting in the carried bytes and ending in this piece.
      const available = carried + (to - from);
      for (let start = 0; start < carried && start + m <= available; start++) {
        let k = 0;
        while (k < m) {
          const at = start + k;
          const byte = at < carried ? carry[at] : bytes[from + at - carried];
          if (byte !== pattern[k]) break;
          k++;
        }
        if (k === m) {
          this.#carryLength = 0;
          return from + start + m - carried;
        }
      }
    }
    const skip = this.#skip;
    const lastByte = pattern[last];
    let end = from + last;
    while (end < to) {
      const byte = bytes[end];
      if (byte === lastByte) {
        let k = last - 1;
        let i = end - 1;
        while (k >= 0 && bytes[i] === pattern[k]) {
          k--;
          i--;
        }
        if (k < 0) {
          this.#carryLength = 0;
          return end + 1;
        }
      }
      end += skip[byte];
    }
    this.#keepTail(bytes, from, to);
    return -1;
  }

  /** Counts the occurrences in `bytes[from, to)` (the next piece of the stream). */
  count(bytes: Uint8Array, from: number, to: number): number {
    let found = 0;
    let at = from;
    for (;;) {
      const end = this.next(bytes, at, to);
      if (end < 0) return found;
      found++;
      at = end;
    }
  }

  /** Forgets any partial occurrence (a new stream starts). */
  reset(): void {
    this.#carryLength = 0;
  }

  /** Keeps the last m − 1 bytes of (carry ++ piece) for the next piece. */
  #keepTail(bytes: Uint8Array, from: number, to: number): void {
    const carry = this.#carry;
    const capacity = carry.length;
    if (capacity === 0) return;
    const piece = to - from;
    if (piece >= capacity) {
      for (let i = 0, j = to - capacity; i < capacity; i++, j++) carry[i] = bytes[j];
      this.#carryLength = capacity;
      return;
    }
    // Keep the tail of the old carry, then the whole piece.
    const fromCarry = Math.min(this.#carryLength, capacity - piece);
    carry.copyWithin(0, this.#carryLength - fromCarry, this.#carryLength);
    for (let i = 0; i < piece; i++) carry[fromCarry + i] = bytes[from + i];
    this.#carryLength = fromCarry + piece;
  }
}
