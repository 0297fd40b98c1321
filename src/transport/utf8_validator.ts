/**
 * Streaming UTF-8 validation for WebSocket text messages (RFC 6455 §8.1):
 * bytes arrive split at any point, across frames and reads, and must form
 * valid UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
 * U+10FFFF) once the message is complete. Allocates nothing per call; runs
 * of ASCII are checked eight bytes at a time.
 *
 * @module
 */

/** Between characters. */
const ACCEPT = 0;
/** One continuation byte (80..BF) to go. */
const TAIL1 = 1;
/** Two continuation bytes to go. */
const TAIL2 = 2;
/** Three continuation bytes to go. */
const TAIL3 = 3;
/** After E0: A0..BF, then one more (no overlong 3-byte forms). */
const AFTER_E0 = 4;
/** After ED: 80..9F, then one more (no surrogates). */
const AFTER_ED = 5;
/** After F0: 90..BF, then two more (no overlong 4-byte forms). */
const AFTER_F0 = 6;
/** After F4: 80..8F, then two more (nothing past U+10FFFF). */
const AFTER_F4 = 7;
/** Invalid; stays so until reset. */
const REJECT = 8;

/** The state after a lead byte, from ACCEPT. */
function lead(byte: number): number {
  if (byte < 0xc2) return REJECT; // continuation bytes, overlong C0/C1
  if (byte < 0xe0) return TAIL1;
  if (byte === 0xe0) return AFTER_E0;
  if (byte === 0xed) return AFTER_ED;
  if (byte < 0xf0) return TAIL2;
  if (byte === 0xf0) return AFTER_F0;
  if (byte < 0xf4) return TAIL3;
  if (byte === 0xf4) return AFTER_F4;
  return REJECT;
}

/** The state after `byte` in a state other than ACCEPT or REJECT. */
function next(state: number, byte: number): number {
  switch (state) {
    case TAIL1:
    case TAIL2:
    case TAIL3:
      return byte >= 0x80 && byte <= 0xbf ? state - 1 : REJECT;
    case AFTER_E0:
      return byte >= 0xa0 && byte <= 0xbf ? TAIL1 : REJECT;
    case AFTER_ED:
      return byte >= 0x80 && byte <= 0x9f ? TAIL1 : REJECT;
    case AFTER_F0:
      return byte >= 0x90 && byte <= 0xbf ? TAIL2 : REJECT;
    case AFTER_F4:
      return byte >= 0x80 && byte <= 0x8f ? TAIL2 : REJECT;
  }
  return REJECT;
}

const HIGH_BITS = 0x80808080;

/** Checks one message's bytes as they arrive. */
export class Utf8Validator {
  #state = ACCEPT;
  /**
   * The last array seen (read buffers are reused), a 32-bit view of its
   * buffer, and its offset in that buffer: looked up once per array.
   */
  #bytes: Uint8Array | null = null;
  #words: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
  #base = 0;

  /** Whether everything so far is valid UTF-8, though perhaps cut inside a character. */
  get valid(): boolean {
    return this.#state !== REJECT;
  }

  /** Whether everything so far is valid and ends between characters. */
  get complete(): boolean {
    return this.#state === ACCEPT;
  }

  /** Starts a new message. */
  reset(): void {
    this.#state = ACCEPT;
  }

  /** Checks `bytes[from, to)`; returns {@link valid}. */
  push(bytes: Uint8Array, from: number, to: number): boolean {
    if (bytes !== this.#bytes) this.#view(bytes);
    const words = this.#words;
    const base = this.#base;
    let state = this.#state;
    let i = from;
    while (i < to && state !== REJECT) {
      if (state !== ACCEPT) {
        state = next(state, bytes[i++]);
        continue;
      }
      // Between characters: skip ASCII, eight bytes at a time once aligned.
      while (i < to && ((base + i) & 3) !== 0 && bytes[i] < 0x80) i++;
      if (((base + i) & 3) === 0 && to - i >= 8) {
        let w = (base + i) >>> 2;
        const last = (base + to - 8) >>> 2;
        while (w <= last && ((words[w] | words[w + 1]) & HIGH_BITS) === 0) w += 2;
        i = (w << 2) - base;
      }
      while (i < to && bytes[i] < 0x80) i++;
      if (i < to) state = lead(bytes[i++]);
    }
    this.#state = state;
    return state !== REJECT;
  }

  #view(bytes: Uint8Array): void {
    const buffer = bytes.buffer;
    this.#bytes = bytes;
    this.#words = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
    this.#base = bytes.byteOffset;
  }
}
