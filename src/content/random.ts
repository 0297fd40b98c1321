/**
 * The random source for generated content: xoshiro128** seeded from the
 * system's CSPRNG (or a fixed seed in tests). Sequences need not match
 * tcpkali's PCG32, only be uniform.
 *
 * @module
 */

/** 16-bit random values drawn per pool refill (one generator step per two). */
const POOL_VALUES = 2048;

/** A fast 32-bit pseudo-random generator. */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  /** Random 16-bit values for {@linkcode Random.index}, refilled a pool at a time. */
  readonly #pool = new Uint16Array(POOL_VALUES);
  #poolAt = POOL_VALUES;

  /** Seeds from `seed` when given, else from `crypto.getRandomValues`. */
  constructor(seed?: number) {
    const state = new Uint32Array(4);
    if (seed === undefined) {
      crypto.getRandomValues(state);
    } else {
      let s = seed >>> 0; // splitmix32 expands one number into four words
      for (let i = 0; i < 4; i++) {
        s = (s + 0x9e3779b9) >>> 0;
        let z = s;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
        state[i] = (z ^ (z >>> 16)) >>> 0;
      }
    }
    if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
    [this.#a, this.#b, this.#c, this.#d] = state;
  }

  /** The next uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return result;
  }

  /** A uniform integer in `[0, n)`; `n` up to 2^32. Returns 0 for n ≤ 1. */
  below(n: number): number {
    if (n <= 1) return 0;
    const limit = 4294967296 - (4294967296 % n);
    let value = this.nextUint32();
    while (value >= limit) value = this.nextUint32();
    return value % n;
  }

  /** A uniform integer in `[min, max]`. */
  between(min: number, max: number): number {
    return min + this.below(max - min + 1);
  }

  /**
   * A uniform integer in `[0, n)` for 1 ≤ n ≤ 65536, from 16 pooled random
   * bits (Lemire's multiply-shift with rejection, so exactly uniform; a
   * redraw is needed with probability under n/65536). The hot path of
   * content generation: no division, rarely a branch taken.
   */
  index(n: number): number {
    if (this.#poolAt === POOL_VALUES) this.#refillPool();
    let product = this.#pool[this.#poolAt++] * n;
    if ((product & 0xffff) < n) product = this.#redraw(product, n);
    return product >>> 16;
  }

  /**
   * Writes `count` uniform picks from `members` (1 to 65536 of them) into
   * `target` from `at`, for runs such as `[a-z]+`: the generator runs
   * inline with its state in locals, two picks per step (Lemire's
   * multiply-shift on each 16-bit half, a half below 65536 mod n drawn
   * again, so exactly uniform).
   */
  pick(members: Uint8Array, target: Uint8Array, at: number, count: number): void {
    const n = members.length;
    const threshold = 65536 % n;
    let a = this.#a, b = this.#b, c = this.#c, d = this.#d;
    for (const end = at + count; at < end;) {
      const result = Math.imul(rotl(Math.imul(b, 5), 7), 9);
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
      const low = (result & 0xffff) * n;
      if ((low & 0xffff) >= threshold) target[at++] = members[low >>> 16];
      const high = (result >>> 16) * n;
      if (at < end && (high & 0xffff) >= threshold) target[at++] = members[high >>> 16];
    }
    this.#a = a;
    this.#b = b;
    this.#c = c;
    this.#d = d;
  }

  /** Lemire's rejection step: draws again while the low half falls below 65536 mod n. */
  #redraw(product: number, n: number): number {
    const threshold = 65536 % n;
    while ((product & 0xffff) < threshold) {
      if (this.#poolAt === POOL_VALUES) this.#refillPool();
      product = this.#pool[this.#poolAt++] * n;
    }
    return product;
  }

  /** Refills the pool: the generator's steps inlined, its state in locals. */
  #refillPool(): void {
    const pool = this.#pool;
    let a = this.#a, b = this.#b, c = this.#c, d = this.#d;
    for (let i = 0; i < POOL_VALUES; i += 2) {
      const result = Math.imul(rotl(Math.imul(b, 5), 7), 9);
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
      pool[i] = result;
      pool[i + 1] = result >>> 16;
    }
    this.#a = a;
    this.#b = b;
    this.#c = c;
    this.#d = d;
    this.#poolAt = 0;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
