/**
 * Micro-benchmark of the latency histogram hot path: records per second on
 * one core, for kali's LatencyHistogram.record and, for comparison, the
 * library's own recordValue. Also times a worker snapshot (takeDelta) and its
 * merge in the main thread (addDelta).
 *
 * Run: deno run scripts/bench_histogram.ts
 *
 * @module
 */
import { Int32Histogram } from "hdr-histogram-js";
import { HIGHEST_MICROS, LatencyHistogram } from "../src/stats/histogram.ts";

const SAMPLES = 1 << 16;
const ROUNDS = 400;

/** Latencies spread like a loopback run: mostly 50..2000 µs, a tail to 1 s. */
function sampleLatencies(): Uint32Array {
  const values = new Uint32Array(SAMPLES);
  let seed = 12345;
  for (let i = 0; i < SAMPLES; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const u = seed / 2 ** 32;
    values[i] = u < 0.99 ? 50 + Math.floor(u * 2000) : Math.floor(u * 1_000_000);
  }
  return values;
}

function rate(label: string, recordAll: (values: Uint32Array) => void, values: Uint32Array): void {
  for (let r = 0; r < 20; r++) recordAll(values); // warm up the JIT
  const start = performance.now();
  for (let r = 0; r < ROUNDS; r++) recordAll(values);
  const seconds = (performance.now() - start) / 1000;
  const perSecond = (ROUNDS * values.length) / seconds;
  console.log(`${label}: ${(perSecond / 1e6).toFixed(1)} M records/s per core`);
}

const values = sampleLatencies();

const kali = new LatencyHistogram();
rate("LatencyHistogram.record", (v) => {
  for (let i = 0; i < v.length; i++) kali.record(v[i]);
}, values);

const library = new Int32Histogram(1, HIGHEST_MICROS, 3);
rate("hdr-histogram-js recordValue", (v) => {
  for (let i = 0; i < v.length; i++) library.recordValue(v[i]);
}, values);

const worker = new LatencyHistogram();
const main = new LatencyHistogram();
const snapshots = 200;
let deltaBytes = 0;
const start = performance.now();
for (let s = 0; s < snapshots; s++) {
  for (let i = 0; i < 1000; i++) worker.record(values[(s * 1000 + i) % SAMPLES]);
  const delta = worker.takeDelta();
  deltaBytes += delta.indices.byteLength + delta.counts.byteLength;
  main.addDelta(delta);
}
const perSnapshot = (performance.now() - start) / snapshots;
console.log(
  `snapshot (1000 samples, takeDelta + addDelta): ${perSnapshot.toFixed(3)} ms, ` +
    `${Math.round(deltaBytes / snapshots)} bytes`,
);
console.log(
  `p95 check: worker ${worker.percentileMicros(95)} µs = main ${main.percentileMicros(95)} µs`,
);
