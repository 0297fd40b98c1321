/**
 * Latency histograms: HdrHistogram (npm:hdr-histogram-js) in integer
 * microseconds, 1 µs .. 100 s at 3 significant digits, plus the exact
 * smallest and largest sample.
 *
 * Workers record into a {@link LatencyHistogram} on the hot path
 * ({@link LatencyHistogram.record} allocates nothing), post
 * {@link LatencyHistogram.takeDelta} results (a structured-clone friendly
 * sparse list of bucket counts) a few times per second, and the main thread
 * merges them exactly with {@link LatencyHistogram.addDelta}. Percentiles are
 * always computed from merged counts, never averaged.
 *
 * Two sets of figures are offered:
 * - `…Micros`: microseconds, for machine-readable output.
 * - `…Ms`: what tcpkali would print, in ms. tcpkali records
 *   `floor(seconds × 10000)` (0.1 ms units) into an HdrHistogram of 1 ..
 *   1 000 000 units at 3 digits; these figures map microseconds to those units
 *   and apply tcpkali's bucket rules. Min and max are exact (from the tracked
 *   extremes). Percentiles and the mean are exact for samples below 2.048 ms,
 *   where every microsecond has its own bucket; above, a microsecond bucket
 *   spans up to 128 µs and a figure may differ from tcpkali's by 0.1 ms.
 *
 * @module
 */
import type { Int32Histogram, JsHistogram } from "hdr-histogram-js";
import { histogramLibrary } from "./hdr_library.ts";

/** Lowest discernible latency, µs. */
export const LOWEST_MICROS = 1;
/** Highest recordable latency, µs (100 s); larger values are refused. */
export const HIGHEST_MICROS = 100_000_000;
/** Significant decimal digits kept per value. */
export const SIGNIFICANT_DIGITS = 3;

/**
 * Samples recorded since the previous {@link LatencyHistogram.takeDelta}:
 * parallel arrays of counts-array indices and counts, and the exact extremes
 * of those samples. Plain data, so it crosses `postMessage` cheaply.
 */
export interface HistogramDelta {
  /** Counts-array indices of the buckets that changed, increasing. */
  readonly indices: Uint32Array;
  /** Samples added to each of those buckets. */
  readonly counts: Uint32Array;
  /** Smallest sample of the delta, µs (meaningless when empty). */
  readonly min: number;
  /** Largest sample of the delta, µs (meaningless when empty). */
  readonly max: number;
}

// The bucket layout (see `countsIndex`) shared by every LatencyHistogram and,
// in 0.1 ms units, by tcpkali's: 2048 exact values, then each power of two
// adds 1024 buckets of doubled width.
const SUB_BUCKET_HALF_COUNT_MAGNITUDE = 10;
const SUB_BUCKET_COUNT = 2048;

/** A latency histogram in microseconds. */
export class LatencyHistogram {
  #hdr: Int32Histogram;
  #counts: Uint32Array;
  /** Counts at the previous takeDelta; created on first use. */
  #shadow: Uint32Array | null = null;
  /** Extremes of the samples recorded since the previous takeDelta. */
  #recentMin = Infinity;
  #recentMax = -Infinity;
  /** Extremes of the older samples. */
  #olderMin = Infinity;
  #olderMax = -Infinity;
  /** False once a subtraction or a decode leaves the extremes unknown. */
  #extremesKnown = true;

  /** Needs the library: `await loadHistogramLibrary()` (./hdr_library.ts) first. */
  constructor() {
    const { Int32Histogram } = histogramLibrary();
    this.#hdr = new Int32Histogram(LOWEST_MICROS, HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    this.#hdr.autoResize = false;
    this.#counts = this.#hdr._counts as Uint32Array;
    // `countsIndex` relies on the library laying buckets out this way.
    if (
      this.#hdr.subBucketCount !== SUB_BUCKET_COUNT || this.#hdr.unitMagnitude !== 0 ||
      this.#hdr.countsArrayIndex(HIGHEST_MICROS) !== countsIndex(HIGHEST_MICROS)
    ) {
      throw new Error("hdr-histogram-js bucket layout changed");
    }
  }

  /**
   * Records one latency in µs (a fraction is truncated). Returns false and
   * records nothing when the value is negative, NaN or above
   * {@link HIGHEST_MICROS}. Allocation-free.
   */
  record(micros: number): boolean {
    if (!(micros >= 0 && micros <= HIGHEST_MICROS)) return false;
    const value = micros >>> 0;
    this.#counts[countsIndex(value)]++;
    this.#hdr._totalCount++;
    if (value < this.#recentMin) this.#recentMin = value;
    if (value > this.#recentMax) this.#recentMax = value;
    return true;
  }

  /**
   * Records `count` samples of one latency in µs, as `count` calls of
   * {@link record} would (and refuses the same values).
   */
  recordCount(micros: number, count: number): boolean {
    if (!(micros >= 0 && micros <= HIGHEST_MICROS)) return false;
    const value = micros >>> 0;
    this.#counts[countsIndex(value)] += count;
    this.#hdr._totalCount += count;
    if (value < this.#recentMin) this.#recentMin = value;
    if (value > this.#recentMax) this.#recentMax = value;
    return true;
  }

  /** Number of recorded samples. */
  get count(): number {
    return this.#hdr.totalCount;
  }

  /**
   * tcpkali's percentile rule, in µs: with N samples, k = max(1,
   * floor(p/100 × N + 0.5)); the highest value equivalent to the first
   * bucket whose cumulative count reaches k. p is capped at 100; an empty
   * histogram gives 0.
   */
  percentileMicros(p: number): number {
    const i = this.#percentileIndex(p);
    return i < 0 ? 0 : this.#highestAtIndex(i);
  }

  /** The smallest sample, µs (its bucket's lowest value if unknown); 0 if empty. */
  minMicros(): number {
    if (this.count === 0) return 0;
    if (this.#extremesKnown) return Math.min(this.#recentMin, this.#olderMin);
    return this.#hdr.valueFromIndex(this.#firstIndex());
  }

  /** The largest sample, µs (its bucket's highest value if unknown); 0 if empty. */
  maxMicros(): number {
    if (this.count === 0) return 0;
    if (this.#extremesKnown) return Math.max(this.#recentMax, this.#olderMax);
    return this.#highestAtIndex(this.#lastIndex());
  }

  /** Σ count × bucket median / N, µs (HdrHistogram's mean); 0 if empty. */
  meanMicros(): number {
    return this.#weightedMean((median) => median);
  }

  /**
   * The percentile tcpkali would print, ms: the bucket found by
   * {@link percentileMicros} (its top capped at the largest sample), in
   * tcpkali's units and bucket.
   */
  percentileMs(p: number): number {
    const i = this.#percentileIndex(p);
    if (i < 0) return 0;
    const micros = Math.min(this.#highestAtIndex(i), this.maxMicros());
    return tcpkaliHighest(tcpkaliUnits(micros)) / 10;
  }

  /** The minimum tcpkali would print, ms (0 if any sample is below 0.1 ms). */
  minMs(): number {
    return tcpkaliLowest(tcpkaliUnits(this.minMicros())) / 10;
  }

  /** The maximum tcpkali would print, ms. */
  maxMs(): number {
    return tcpkaliHighest(tcpkaliUnits(this.maxMicros())) / 10;
  }

  /** The mean tcpkali would print (before `%.1f`), ms. */
  meanMs(): number {
    return this.#weightedMean((median) => tcpkaliMedian(tcpkaliUnits(median))) / 10;
  }

  /** Adds every sample of `other` (same layout, so exact). */
  add(other: LatencyHistogram): void {
    other.#syncLibraryExtremes();
    this.#syncLibraryExtremes();
    this.#hdr.add(other.#hdr);
    this.#olderMin = Math.min(this.#olderMin, other.#recentMin, other.#olderMin);
    this.#olderMax = Math.max(this.#olderMax, other.#recentMax, other.#olderMax);
    this.#extremesKnown &&= other.#extremesKnown;
  }

  /**
   * Removes the samples of `other`, which must be a subset of this
   * histogram's (an earlier copy of it). Afterwards min and max come from
   * bucket bounds; for exact window extremes prefer a separate histogram
   * fed the same deltas and {@link reset} per window.
   */
  subtract(other: LatencyHistogram): void {
    other.#syncLibraryExtremes();
    this.#syncLibraryExtremes();
    this.#hdr.subtract(other.#hdr);
    this.#extremesKnown = this.count === 0;
    if (this.count === 0) this.#forgetExtremes();
  }

  /** An independent copy. */
  copy(): LatencyHistogram {
    const twin = new LatencyHistogram();
    twin.add(this);
    return twin;
  }

  /** Forgets all samples (and the delta baseline). */
  reset(): void {
    this.#hdr.reset();
    this.#shadow?.fill(0);
    this.#forgetExtremes();
  }

  /**
   * The samples recorded since the previous call (or since creation or
   * {@link reset}), as a delta for {@link addDelta}. Costs one pass over the
   * ~18 k buckets; meant for a few calls per second.
   */
  takeDelta(): HistogramDelta {
    const counts = this.#counts;
    const shadow = this.#shadow ??= new Uint32Array(counts.length);
    let changed = 0;
    for (let i = 0; i < counts.length; i++) if (counts[i] !== shadow[i]) changed++;
    const indices = new Uint32Array(changed);
    const added = new Uint32Array(changed);
    let j = 0;
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] === shadow[i]) continue;
      indices[j] = i;
      added[j] = counts[i] - shadow[i];
      shadow[i] = counts[i];
      j++;
    }
    const delta = { indices, counts: added, min: this.#recentMin, max: this.#recentMax };
    this.#olderMin = Math.min(this.#olderMin, this.#recentMin);
    this.#olderMax = Math.max(this.#olderMax, this.#recentMax);
    this.#recentMin = Infinity;
    this.#recentMax = -Infinity;
    return delta;
  }

  /** Merges a delta taken from another LatencyHistogram (exact). */
  addDelta(delta: HistogramDelta): void {
    const counts = this.#counts;
    let total = 0;
    for (let j = 0; j < delta.indices.length; j++) {
      counts[delta.indices[j]] += delta.counts[j];
      total += delta.counts[j];
    }
    if (total === 0) return;
    this.#hdr._totalCount += total;
    if (delta.min < this.#olderMin) this.#olderMin = delta.min;
    if (delta.max > this.#olderMax) this.#olderMax = delta.max;
  }

  /** HdrHistogram V2 compressed base64 (interoperable with other HDR tools). */
  toBase64(): string {
    this.#syncLibraryExtremes();
    return histogramLibrary().encodeIntoCompressedBase64(this.#hdr);
  }

  /**
   * Reads {@link toBase64} output (values must fit 0 .. 100 s). The encoding
   * keeps bucket counts only: pass the exact extremes, when known, so that
   * min, max and top percentiles come out as the original's.
   */
  static fromBase64(
    encoded: string,
    extremes?: { minMicros: number; maxMicros: number },
  ): LatencyHistogram {
    const decoded = histogramLibrary().decodeFromCompressedBase64(
      encoded,
      32,
      false,
    ) as JsHistogram;
    const histogram = new LatencyHistogram();
    histogram.#hdr.add(decoded);
    decoded.destroy();
    histogram.#extremesKnown = histogram.count === 0 || extremes !== undefined;
    if (extremes && histogram.count > 0) {
      histogram.#olderMin = extremes.minMicros;
      histogram.#olderMax = extremes.maxMicros;
    }
    return histogram;
  }

  #percentileIndex(p: number): number {
    const total = this.count;
    if (total === 0) return -1;
    const requested = p < 100 ? p : 100;
    const k = Math.max(1, Math.floor((requested / 100) * total + 0.5));
    const counts = this.#counts;
    let cumulative = 0;
    for (let i = 0; i < counts.length; i++) {
      cumulative += counts[i];
      if (cumulative >= k) return i;
    }
    return this.#lastIndex();
  }

  #highestAtIndex(i: number): number {
    return this.#hdr.highestEquivalentValue(this.#hdr.valueFromIndex(i));
  }

  #firstIndex(): number {
    const counts = this.#counts;
    for (let i = 0; i < counts.length; i++) if (counts[i] !== 0) return i;
    return -1;
  }

  #lastIndex(): number {
    const counts = this.#counts;
    for (let i = counts.length - 1; i >= 0; i--) if (counts[i] !== 0) return i;
    return -1;
  }

  #weightedMean(scale: (medianMicros: number) => number): number {
    const total = this.count;
    if (total === 0) return 0;
    const hdr = this.#hdr;
    const counts = this.#counts;
    let sum = 0;
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] === 0) continue;
      sum += counts[i] * scale(hdr.medianEquivalentValue(hdr.valueFromIndex(i)));
    }
    return sum / total;
  }

  #forgetExtremes(): void {
    this.#recentMin = this.#olderMin = Infinity;
    this.#recentMax = this.#olderMax = -Infinity;
    this.#extremesKnown = true;
  }

  /** The library's add/subtract/encode read its own max and min fields. */
  #syncLibraryExtremes(): void {
    const hdr = this.#hdr;
    if (this.count === 0) {
      hdr.maxValue = 0;
      hdr.minNonZeroValue = Number.MAX_SAFE_INTEGER;
      return;
    }
    const first = this.#firstIndex();
    const firstNonZero = first === 0 ? this.#nextIndex(1) : first;
    hdr.maxValue = this.#highestAtIndex(this.#lastIndex());
    hdr.minNonZeroValue = firstNonZero < 0
      ? Number.MAX_SAFE_INTEGER
      : hdr.valueFromIndex(firstNonZero);
  }

  #nextIndex(from: number): number {
    const counts = this.#counts;
    for (let i = from; i < counts.length; i++) if (counts[i] !== 0) return i;
    return -1;
  }
}

/** µs to tcpkali's integer unit (0.1 ms): `floor(µs / 100)`. */
function tcpkaliUnits(micros: number): number {
  return Math.floor(micros / 100);
}

/** log2 of the width of the bucket holding `value` in the shared layout. */
function bucketShift(value: number): number {
  return Math.max(0, 31 - Math.clz32(value) - SUB_BUCKET_HALF_COUNT_MAGNITUDE);
}

/** Lowest value equivalent to `units` in tcpkali's histogram. */
function tcpkaliLowest(units: number): number {
  const shift = bucketShift(units);
  return Math.floor(units / 2 ** shift) * 2 ** shift;
}

/** Highest value equivalent to `units` in tcpkali's histogram. */
function tcpkaliHighest(units: number): number {
  return tcpkaliLowest(units) + 2 ** bucketShift(units) - 1;
}

/** Median equivalent value (lowest + half the width) in tcpkali's histogram. */
function tcpkaliMedian(units: number): number {
  return tcpkaliLowest(units) + Math.floor(2 ** bucketShift(units) / 2);
}

/**
 * The counts-array index of `value` (an integer 0 .. 2^31) in the layout
 * above: values below 2048 index themselves; otherwise the power-of-two
 * bucket b = floor(log2 value) − 10 holds value >> b at b × 1024 + (value >> b).
 */
function countsIndex(value: number): number {
  const bucket = 31 - Math.clz32(value | (SUB_BUCKET_COUNT - 1)) - SUB_BUCKET_HALF_COUNT_MAGNITUDE;
  return (bucket << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + (value >>> bucket);
}
