/**
 * tcpkali's latency measurements, kali's corrected one, and the histograms
 * that hold them.
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

/** Every latency kind kali measures, in report order: tcpkali's three, then the corrected one. */
export const MEASURED_KINDS = [...LATENCY_KINDS, "corrected"] as const;

/** One measured kind: tcpkali's three and the corrected message latency. */
export type MeasuredKind = typeof MEASURED_KINDS[number];

/** Histograms of the measured kinds; absent means not measured. */
export type MeasuredHistograms = Partial<Record<MeasuredKind, LatencyHistogram>>;

/** The kinds a run with this latency plan measures, in report order. */
export function measuredKinds(plan: LatencyPlan): MeasuredKind[] {
  const on: Record<MeasuredKind, boolean> = {
    connect: plan.connect,
    firstbyte: plan.firstByte,
    message: plan.marker !== null || plan.messageMarker,
    corrected: plan.corrected,
  };
  return MEASURED_KINDS.filter((kind) => on[kind]);
}

/** Empty histograms of every kind the plan measures. */
export function measuredHistograms(plan: LatencyPlan): MeasuredHistograms {
  return Object.fromEntries(measuredKinds(plan).map((kind) => [kind, new LatencyHistogram()]));
}
