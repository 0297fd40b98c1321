/**
 * How a result file holds a latency histogram, both ways: the figures kali
 * prints from it and the histogram itself (HdrHistogram V2 compressed,
 * base64, µs) with its exact extremes, so that reading it back gives the
 * same histogram and every figure again. The report's latency and each
 * stage's use it.
 *
 * @module
 */
import type { Percentile } from "../plan.ts";
import { LatencyHistogram } from "./histogram.ts";
import type { LatencyDocument } from "./result_document.ts";

/** The document of `h`, with the figures of `percentiles`. */
export function latencyDocument(
  h: LatencyHistogram,
  percentiles: readonly Percentile[],
): LatencyDocument {
  return {
    count: h.count,
    minMs: h.minMs(),
    meanMs: h.meanMs(),
    maxMs: h.maxMs(),
    minMicros: h.minMicros(),
    maxMicros: h.maxMicros(),
    percentiles: percentiles.map((p) => ({ label: p.label, ms: h.percentileMs(p.value) })),
    histogram: h.toBase64(),
  };
}

/** The histogram a document holds; throws when `histogram` is not one. */
export function latencyHistogram(document: LatencyDocument): LatencyHistogram {
  if (typeof document.histogram !== "string") throw new TypeError("no histogram");
  return LatencyHistogram.fromBase64(document.histogram, document);
}
