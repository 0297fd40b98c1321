/**
 * tcpkali's latency measurements and the histograms that hold them.
 *
 * @module
 */
import type { LatencyPlan } from "../plan.ts";
import { LatencyHistogram } from "./histogram.ts";

/** The latency measurements, in tcpkali's reporting order. */
export const LATENCY_KINDS = ["connect", "firstbyte", "message"] as const;

/** One latency measurement: TCP connect, first byte, or message (marker). */
export type LatencyKind = typeof LATENCY_KINDS[number];

/** The histograms of the enabled measurements; absent means not measured. */
export type LatencyHistograms = Partial<Record<LatencyKind, LatencyHistogram>>;

/** Every latency kind kali measures: tcpkali's three and the corrected message latency. */
export type MeasuredKind = LatencyKind | "corrected";

/** Histograms of the measured kinds; absent means not measured. */
export type MeasuredHistograms = Partial<Record<MeasuredKind, LatencyHistogram>>;

/** Empty histograms of every kind the plan measures. */
export function measuredHistograms(plan: LatencyPlan): MeasuredHistograms {
  const histograms: MeasuredHistograms = {};
  if (plan.connect) histograms.connect = new LatencyHistogram();
  if (plan.firstByte) histograms.firstbyte = new LatencyHistogram();
  if (plan.marker !== null || plan.messageMarker) histograms.message = new LatencyHistogram();
  if (plan.corrected) histograms.corrected = new LatencyHistogram();
  return histograms;
}
