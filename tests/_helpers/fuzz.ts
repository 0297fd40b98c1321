/**
 * Seeded fuzzing for the parsers that take bytes from outside: a small
 * deterministic generator, byte mutations of seed inputs, and a check that
 * parse time grows linearly with input size (per-byte cost compared at two
 * sizes, never absolute times).
 *
 * @module
 */
import assert from "node:assert/strict";
import process from "node:process";

/** A seeded generator (mulberry32): the same seed gives the same cases. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed | 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.#state ^ (this.#state >>> 15), 1 | this.#state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.below(256);
    return out;
  }
}

const encoder = new TextEncoder();

/** Bytes of a string (UTF-8). */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * A mutation of `seed`: a few bytes flipped, inserted or deleted, a slice
 * duplicated, or a token of `dictionary` spliced in.
 */
export function mutate(rng: Rng, seed: Uint8Array, dictionary: readonly Uint8Array[]): Uint8Array {
  let out = Array.from(seed);
  const edits = 1 + rng.below(4);
  for (let e = 0; e < edits; e++) {
    const at = rng.below(out.length + 1);
    switch (rng.below(6)) {
      case 0:
        if (out.length > 0) out[Math.min(at, out.length - 1)] = rng.below(256);
        break;
      case 1:
        out.splice(at, 0, rng.below(256));
        break;
      case 2:
        out.splice(at, 1 + rng.below(8));
        break;
      case 3: {
        const from = rng.below(out.length + 1);
        const piece = out.slice(from, from + 1 + rng.below(16));
        out.splice(at, 0, ...piece);
        break;
      }
      case 4:
        if (dictionary.length > 0) out.splice(at, 0, ...rng.pick(dictionary));
        break;
      default:
        out = out.slice(0, at); // truncated
    }
  }
  return Uint8Array.from(out);
}

/** Splits `[0, length)` at up to `cuts` random points, in order. */
export function randomCuts(rng: Rng, length: number, cuts: number): number[] {
  const points = Array.from({ length: rng.below(cuts + 1) }, () => rng.below(length + 1));
  return points.sort((a, b) => a - b);
}

/** Asserts an error message is one short line. */
export function assertOneLine(line: string, context: string, maxLength = 400): void {
  assert.ok(!line.includes("\n") && !line.includes("\r"), `one line: ${context}: ${line}`);
  assert.ok(line.length <= maxLength, `${line.length} characters: ${context}`);
}

/** Milliseconds of CPU this process has used (user and system): immune to time slicing. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** CPU time a timed run lasts at least, so that the clock's grain does not matter. */
const MIN_RUN_MS = 20;

/**
 * Best of `runs` CPU times (ms) of one `work()`: the least disturbed by the
 * rest of the machine. Each run repeats `work` for MIN_RUN_MS at least.
 */
function bestTime(work: () => void, runs: number): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = cpuMs();
    let calls = 0;
    let spent = 0;
    do {
      work();
      calls++;
      spent = cpuMs() - start;
    } while (spent < MIN_RUN_MS);
    best = Math.min(best, spent / calls);
  }
  return best;
}

/** Options of {@linkcode assertLinear}. */
export interface LinearOptions {
  /** The smaller input size in bytes. */
  size: number;
  /** The larger input is this many times larger. Default 16. */
  factor?: number;
  /** Allowed growth of the per-byte cost from the small to the large input. Default 4. */
  slack?: number;
  /** Timed runs per size (the best counts). Default 5. */
  runs?: number;
}

/**
 * Asserts that `parse` costs about as much per byte on an input `factor`
 * times larger: quadratic work would multiply the per-byte cost by the
 * factor, linear work keeps it (the slack absorbs caches and timer noise).
 * Times are CPU times, so a busy machine slows neither size more.
 */
export function assertLinear(
  name: string,
  make: (size: number) => Uint8Array,
  parse: (input: Uint8Array) => void,
  options: LinearOptions,
): void {
  const factor = options.factor ?? 16;
  const slack = options.slack ?? 4;
  const runs = options.runs ?? 5;
  const small = make(options.size);
  const large = make(options.size * factor);
  parse(small); // warm up the JIT
  parse(large);
  const perByteSmall = bestTime(() => parse(small), runs) / small.length;
  const perByteLarge = bestTime(() => parse(large), runs) / large.length;
  const growth = perByteLarge / perByteSmall;
  assert.ok(
    growth <= slack,
    `${name}: ${(perByteSmall * 1e6).toFixed(2)} ns/byte at ${small.length} bytes, ` +
      `${(perByteLarge * 1e6).toFixed(2)} ns/byte at ${large.length} bytes (×${growth.toFixed(1)})`,
  );
}
