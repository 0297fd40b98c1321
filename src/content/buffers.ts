/**
 * Growable buffers for rendering content: bytes and marker offsets. They
 * grow by doubling and are reused across refills, so steady-state rendering
 * allocates nothing.
 *
 * @module
 */

/** `runs` joined into one new array. */
export function concatBytes(runs: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const joined = new Uint8Array(runs.reduce((n, run) => n + run.length, 0));
  let at = 0;
  for (const run of runs) {
    joined.set(run, at);
    at += run.length;
  }
  return joined;
}

/** A byte buffer that is appended to and reset, growing on demand. */
export class ByteWriter {
  /** Backing storage; valid bytes are `[0, length)`. */
  bytes: Uint8Array;
  /** Number of bytes written. */
  length = 0;

  constructor(capacity = 256) {
    this.bytes = new Uint8Array(Math.max(16, capacity));
  }

  /** Makes room for `extra` more bytes. */
  ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** Appends one byte. */
  push(byte: number): void {
    this.ensure(1);
    this.bytes[this.length++] = byte;
  }

  /** Appends a run of bytes. */
  append(run: Uint8Array): void {
    this.ensure(run.length);
    this.bytes.set(run, this.length);
    this.length += run.length;
  }

  /** A view of the bytes written so far (no copy). */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  /** A copy of the bytes written so far. */
  copy(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/** An ordered list of non-negative integer offsets, growing on demand. */
export class OffsetList {
  /** Backing storage; valid entries are `[0, count)`. */
  offsets: Int32Array;
  /** Number of entries. */
  count = 0;

  constructor(capacity = 8) {
    this.offsets = new Int32Array(Math.max(1, capacity));
  }

  /** Appends an offset. */
  push(offset: number): void {
    if (this.count === this.offsets.length) {
      const grown = new Int32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[this.count++] = offset;
  }

  /** Index of the first entry ≥ `offset` (entries must be ascending). */
  firstAtOrAfter(offset: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.offsets[mid] < offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
