/**
 * The send-time FIFO of `--latency-marker`: one entry per message whose
 * first byte has left, popped when the message's marker comes back. Each
 * entry holds the time the message went out and the time the pacer meant
 * it to go out (for corrected latency). A preallocated ring of doubles that
 * doubles in size when full; no allocation per message.
 *
 * @module
 */

/** tcpkali's limit: 10 MiB of 8-byte timestamps outstanding. */
export const FIFO_LIMIT = (10 * 1024 * 1024) / 8;

/** A first-in first-out queue of (sent, intended) time pairs in ms. */
export class SendTimeFifo {
  #ring: Float64Array;
  /** Capacity in pairs (a power of two). */
  #capacity: number;
  #head = 0;
  #length = 0;
  /** The intended send time of the entry {@link shift} returned last. */
  lastIntended = 0;

  constructor(initialCapacity = 16) {
    let capacity = 1;
    while (capacity < initialCapacity) capacity *= 2;
    this.#capacity = capacity;
    this.#ring = new Float64Array(capacity * 2);
  }

  /** Entries waiting. */
  get length(): number {
    return this.#length;
  }

  /** Appends a message sent at `sent` that was due at `intended`. */
  push(sent: number, intended: number): void {
    if (this.#length === this.#capacity) this.#grow();
    const slot = ((this.#head + this.#length) & (this.#capacity - 1)) * 2;
    this.#ring[slot] = sent;
    this.#ring[slot + 1] = intended;
    this.#length++;
  }

  /**
   * Removes the oldest entry and returns its send time (its intended time
   * goes to {@link lastIntended}); NaN when empty.
   */
  shift(): number {
    if (this.#length === 0) return NaN;
    const slot = this.#head * 2;
    this.#head = (this.#head + 1) & (this.#capacity - 1);
    this.#length--;
    this.lastIntended = this.#ring[slot + 1];
    return this.#ring[slot];
  }

  /** The send time of the oldest entry; NaN when empty. */
  peekSent(): number {
    return this.#length === 0 ? NaN : this.#ring[this.#head * 2];
  }

  /** Drops every entry. */
  clear(): void {
    this.#head = 0;
    this.#length = 0;
  }

  #grow(): void {
    const old = this.#ring;
    const capacity = this.#capacity;
    const ring = new Float64Array(capacity * 4);
    for (let i = 0; i < this.#length; i++) {
      const from = ((this.#head + i) & (capacity - 1)) * 2;
      ring[i * 2] = old[from];
      ring[i * 2 + 1] = old[from + 1];
    }
    this.#ring = ring;
    this.#capacity = capacity * 2;
    this.#head = 0;
  }
}
