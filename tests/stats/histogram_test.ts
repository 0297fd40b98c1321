import assert from "node:assert/strict";
import { decodeFromCompressedBase64, Int32Histogram } from "hdr-histogram-js";
import { HIGHEST_MICROS, LatencyHistogram } from "../../src/stats/histogram.ts";
import { loadHistogramLibrary } from "../../src/stats/hdr_library.ts";

await loadHistogramLibrary();

/** Deterministic pseudo-random integers in [0, limit). */
function randomSamples(count: number, limit: number, seed: number): number[] {
  const samples: number[] = [];
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    samples.push(Math.floor((state / 2 ** 32) * limit));
  }
  return samples;
}

/** Log-uniform samples over 1 µs .. 100 s, to reach every bucket width. */
function wideSamples(count: number, seed: number): number[] {
  return randomSamples(count, 1_000_000, seed).map((u) => Math.floor(10 ** (u / 125_000)));
}

/** tcpkali's rank rule, computed on the sorted raw samples. */
function rankOf(p: number, n: number): number {
  return Math.max(1, Math.floor((Math.min(p, 100) / 100) * n + 0.5));
}

function filled(samples: number[]): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const s of samples) assert.ok(histogram.record(s));
  return histogram;
}

const PERCENTILES = [0, 1, 33.3, 50, 90, 95, 99, 99.5, 99.9, 100, 150];

Deno.test("percentiles below 2.048 ms are the exact k-th smallest sample", () => {
  for (const n of [1, 2, 3, 10, 999, 5000]) {
    const samples = randomSamples(n, 2048, n);
    const sorted = [...samples].sort((a, b) => a - b);
    const histogram = filled(samples);
    assert.equal(histogram.count, n);
    for (const p of PERCENTILES) {
      const kth = sorted[rankOf(p, n) - 1];
      assert.equal(histogram.percentileMicros(p), kth, `p${p} of ${n}`);
      assert.equal(histogram.percentileMs(p), Math.floor(kth / 100) / 10, `p${p} ms of ${n}`);
    }
    assert.equal(histogram.minMicros(), sorted[0]);
    assert.equal(histogram.maxMicros(), sorted[n - 1]);
    const sum = samples.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(histogram.meanMicros() - sum / n) < 1e-9 * sum);
    // tcpkali: mean of floor(seconds × 10000) units, shown in ms.
    const unitSum = samples.reduce((a, b) => a + Math.floor(b / 100), 0);
    assert.ok(Math.abs(histogram.meanMs() - unitSum / n / 10) < 1e-9);
  }
});

Deno.test("percentiles over 1 µs .. 100 s give the HdrHistogram bucket top of the k-th sample", () => {
  // Bucket tops from the library itself, not from the code under test.
  const reference = new Int32Histogram(1, HIGHEST_MICROS, 3);
  const samples = wideSamples(20000, 7);
  const sorted = [...samples].sort((a, b) => a - b);
  const histogram = filled(samples);
  for (const p of PERCENTILES) {
    const kth = sorted[rankOf(p, samples.length) - 1];
    assert.equal(histogram.percentileMicros(p), reference.highestEquivalentValue(kth), `p${p}`);
  }
  assert.equal(histogram.minMicros(), sorted[0]);
  assert.equal(histogram.maxMicros(), sorted[sorted.length - 1]);
});

/** What tcpkali computes: 0.1 ms units in a 1..1e6, 3-digit HdrHistogram. */
function tcpkaliFigures(samples: number[], percentiles: number[]) {
  const units = samples.map((s) => Math.floor(s / 100)).sort((a, b) => a - b);
  const hdr = new Int32Histogram(1, 1_000_000, 3);
  const top = (u: number) => hdr.highestEquivalentValue(u) / 10;
  return {
    percentiles: percentiles.map((p) => top(units[rankOf(p, units.length) - 1])),
    min: hdr.lowestEquivalentValue(units[0]) / 10,
    max: top(units[units.length - 1]),
  };
}

Deno.test("ms figures match a simulated tcpkali histogram (exact below 2.048 ms, else within 0.1 ms)", () => {
  const exact = randomSamples(3000, 2048, 3);
  const expected = tcpkaliFigures(exact, PERCENTILES);
  const histogram = filled(exact);
  assert.deepEqual(PERCENTILES.map((p) => histogram.percentileMs(p)), expected.percentiles);
  assert.equal(histogram.minMs(), expected.min);
  assert.equal(histogram.maxMs(), expected.max);

  const wide = wideSamples(20000, 11);
  const tcpkali = tcpkaliFigures(wide, PERCENTILES);
  const ours = filled(wide);
  const micros = new Int32Histogram(1, HIGHEST_MICROS, 3);
  const units = new Int32Histogram(1, 1_000_000, 3);
  assert.equal(ours.minMs(), tcpkali.min);
  assert.equal(ours.maxMs(), tcpkali.max);
  PERCENTILES.forEach((p, i) => {
    const got = ours.percentileMs(p);
    const want = tcpkali.percentiles[i];
    // Both histograms quantise: allow one bucket of each at this value.
    const ourWidthMs = micros.sizeOfEquivalentValueRange(want * 1000) / 1000;
    const tcpkaliWidthMs = units.sizeOfEquivalentValueRange(want * 10) / 10;
    const slack = Math.max(0.1, ourWidthMs + tcpkaliWidthMs) + 1e-9;
    assert.ok(Math.abs(got - want) <= slack, `p${p}: ${got} vs tcpkali ${want}`);
  });
});

Deno.test("few slow samples: figures as in the captured StatsD batch", () => {
  const firstByte = filled([100_500, 101_400]);
  assert.equal(firstByte.percentileMs(95), 101.4);
  assert.equal(firstByte.minMs(), 100.5);
  assert.equal(firstByte.maxMs(), 101.4);
  assert.equal(firstByte.meanMs(), 100.95);
  const connect = filled([50, 150]);
  assert.equal(connect.minMs(), 0);
  assert.equal(connect.maxMs(), 0.1);
  assert.equal(connect.meanMs(), 0.05);
});

Deno.test("empty histogram reports 0 everywhere", () => {
  const histogram = new LatencyHistogram();
  assert.equal(histogram.count, 0);
  for (const p of PERCENTILES) assert.equal(histogram.percentileMicros(p), 0);
  assert.equal(histogram.percentileMs(95), 0);
  assert.equal(histogram.minMicros(), 0);
  assert.equal(histogram.maxMicros(), 0);
  assert.equal(histogram.meanMicros(), 0);
  assert.equal(histogram.meanMs(), 0);
});

Deno.test("record refuses negative, NaN and over-100-s values", () => {
  const histogram = new LatencyHistogram();
  assert.equal(histogram.record(-1), false);
  assert.equal(histogram.record(NaN), false);
  assert.equal(histogram.record(HIGHEST_MICROS + 1), false);
  assert.equal(histogram.count, 0);
  assert.equal(histogram.record(HIGHEST_MICROS), true);
  assert.equal(histogram.record(0), true);
  assert.equal(histogram.record(12.9), true);
  assert.equal(histogram.count, 3);
  assert.equal(histogram.minMicros(), 0);
  assert.equal(histogram.percentileMicros(50), 12);
  assert.equal(histogram.maxMicros(), HIGHEST_MICROS);
});

/** Every figure a report can show. */
function figures(h: LatencyHistogram) {
  return {
    count: h.count,
    percentiles: PERCENTILES.map((p) => h.percentileMicros(p)),
    percentilesMs: PERCENTILES.map((p) => h.percentileMs(p)),
    min: h.minMicros(),
    max: h.maxMicros(),
    mean: h.meanMicros(),
    meanMs: h.meanMs(),
  };
}

Deno.test("recordCount(v, n) is n calls of record(v), in figures and deltas", () => {
  const one = new LatencyHistogram();
  const many = new LatencyHistogram();
  const samples = wideSamples(300, 5);
  samples.forEach((value, i) => {
    const n = 1 + (i % 7);
    for (let k = 0; k < n; k++) one.record(value);
    assert.equal(many.recordCount(value, n), true);
  });
  assert.deepEqual(figures(many), figures(one));
  assert.deepEqual(many.takeDelta(), one.takeDelta());
  for (const refused of [-1, NaN, HIGHEST_MICROS + 1]) {
    assert.equal(many.recordCount(refused, 3), false);
  }
  assert.equal(many.count, one.count);
});

Deno.test("deltas from several workers, cloned across threads, merge exactly", () => {
  const workers = [new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram()];
  const main = new LatencyHistogram();
  const everything: number[] = [];
  for (let round = 0; round < 4; round++) {
    workers.forEach((worker, w) => {
      const batch = wideSamples(round === 2 ? 0 : 500 + w, round * 10 + w);
      for (const s of batch) worker.record(s);
      everything.push(...batch);
      main.addDelta(structuredClone(worker.takeDelta()));
    });
  }
  assert.deepEqual(figures(main), figures(filled(everything)));
  // Nothing new: an empty delta.
  const idle = workers[0].takeDelta();
  assert.equal(idle.indices.length, 0);
});

Deno.test("a window histogram fed the same deltas holds only its window", () => {
  const worker = new LatencyHistogram();
  const cumulative = new LatencyHistogram();
  const window = new LatencyHistogram();
  const early = wideSamples(3000, 21);
  const late = wideSamples(2000, 22);
  for (const s of early) worker.record(s);
  let delta = worker.takeDelta();
  cumulative.addDelta(delta);
  window.addDelta(delta);
  window.reset();
  for (const s of late) worker.record(s);
  delta = worker.takeDelta();
  cumulative.addDelta(delta);
  window.addDelta(delta);
  assert.deepEqual(figures(window), figures(filled(late)));
  assert.deepEqual(figures(cumulative), figures(filled([...early, ...late])));
});

Deno.test("difference with an earlier copy holds the later samples' buckets", () => {
  const early = wideSamples(3000, 31);
  const late = wideSamples(2000, 32);
  const histogram = filled(early);
  const before = histogram.copy();
  for (const s of late) histogram.record(s);
  const difference = histogram.copy();
  difference.subtract(before);
  const expected = filled(late);
  assert.equal(difference.count, late.length);
  assert.deepEqual(
    PERCENTILES.map((p) => difference.percentileMicros(p)),
    PERCENTILES.map((p) => expected.percentileMicros(p)),
  );
  // Extremes fall back to bucket bounds after a subtraction.
  const reference = new Int32Histogram(1, HIGHEST_MICROS, 3);
  assert.equal(difference.maxMicros(), reference.highestEquivalentValue(Math.max(...late)));
  assert.equal(difference.minMicros(), reference.lowestEquivalentValue(Math.min(...late)));
  // The original is untouched by the copy's subtraction.
  assert.equal(histogram.count, early.length + late.length);
});

Deno.test("copy and add combine samples; reset empties", () => {
  const a = wideSamples(1000, 41);
  const b = wideSamples(1500, 42);
  const merged = filled(a);
  merged.add(filled(b));
  assert.deepEqual(figures(merged), figures(filled([...a, ...b])));
  const twin = merged.copy();
  assert.deepEqual(figures(twin), figures(merged));
  merged.reset();
  assert.equal(merged.count, 0);
  assert.equal(merged.maxMicros(), 0);
  assert.equal(twin.count, a.length + b.length);
});

Deno.test("base64 is standard HdrHistogram and round-trips", () => {
  const samples = wideSamples(5000, 51);
  const histogram = filled(samples);
  const encoded = histogram.toBase64();
  assert.match(encoded, /^[A-Za-z0-9+/]+=*$/);
  const decodedByLibrary = decodeFromCompressedBase64(encoded);
  const reference = new Int32Histogram(1, HIGHEST_MICROS, 3);
  for (const s of samples) reference.recordValue(s);
  assert.equal(decodedByLibrary.totalCount, samples.length);
  for (const p of [50, 90, 99, 99.9]) {
    assert.equal(decodedByLibrary.getValueAtPercentile(p), reference.getValueAtPercentile(p));
  }
  const back = LatencyHistogram.fromBase64(encoded);
  assert.deepEqual(
    PERCENTILES.map((p) => back.percentileMicros(p)),
    PERCENTILES.map((p) => histogram.percentileMicros(p)),
  );
  assert.equal(back.count, samples.length);
  assert.equal(LatencyHistogram.fromBase64(new LatencyHistogram().toBase64()).count, 0);
});
