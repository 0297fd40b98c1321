/**
 * tcpkali's latency measurements and the histograms that hold them.
 *
 * @module
 */
import type { LatencyHistogram } from "./histogram.ts";

/** The latency measurements, in tcpkali's reporting order. */
export const LATENCY_KINDS = ["connect", "firstbyte", "message"] as const;

/** One latency measurement: TCP connect, first byte, or message (marker). */
export type LatencyKind = typeof LATENCY_KINDS[number];

/** The histograms of the enabled measurements; absent means not measured. */
export type LatencyHistograms = Partial<Record<LatencyKind, LatencyHistogram>>;
