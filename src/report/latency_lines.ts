/**
 * The latency parts of tcpkali's output: the final-report lines, the live
 * line's `(c=… fb=… m=… ms⁹⁵ᵖ)` group.
 * Figures are milliseconds at tcpkali's 0.1 ms resolution, printed `%.1f`.
 *
 * @module
 */
import { formatFixed } from "../shared/format.ts";
import type { Percentile } from "../plan.ts";
import type { LatencyHistogram } from "../stats/histogram.ts";
import {
  LATENCY_KINDS,
  type LatencyHistograms,
  type LatencyKind,
  type MeasuredHistograms,
} from "../stats/latency_kinds.ts";

const REPORT_TITLES: Record<LatencyKind, string> = {
  connect: "TCP connect latency",
  firstbyte: "First byte latency",
  message: "Message latency",
};

const LIVE_TAGS: Record<LatencyKind, string> = { connect: "c", firstbyte: "fb", message: "m" };

/**
 * One final-report line, e.g.
 * `TCP connect latency at percentiles: 0.1/0.3/0.3 ms (50/90/99.9%)`.
 */
export function latencyReportLine(
  kind: LatencyKind,
  histogram: LatencyHistogram,
  percentiles: readonly Percentile[],
): string {
  const values = percentiles.map((p) => formatFixed(histogram.percentileMs(p.value), 1));
  const labels = percentiles.map((p) => p.label);
  return `${REPORT_TITLES[kind]} at percentiles: ${values.join("/")} ms (${labels.join("/")}%)`;
}

/** The report lines of every enabled measurement, in tcpkali's order. */
export function latencyReportLines(
  histograms: LatencyHistograms,
  percentiles: readonly Percentile[],
): string[] {
  const lines: string[] = [];
  for (const kind of LATENCY_KINDS) {
    const histogram = histograms[kind];
    if (histogram) lines.push(latencyReportLine(kind, histogram, percentiles));
  }
  return lines;
}

/**
 * The live line's latency group, with its leading space:
 * ` (c=0.1 fb=10.9 m=0.2 ms⁹⁵ᵖ)`, `?` for a still empty histogram; `""`
 * when no latency is measured.
 */
export function liveLatencyGroup(histograms: LatencyHistograms): string {
  let group = "";
  for (const kind of LATENCY_KINDS) {
    const histogram = histograms[kind];
    if (!histogram) continue;
    const value = histogram.count === 0 ? "?" : formatFixed(histogram.percentileMs(95), 1);
    group += `${LIVE_TAGS[kind]}=${value} `;
  }
  return group === "" ? "" : ` (${group}ms⁹⁵ᵖ)`;
}

/**
 * The final report's latency lines in tcpkali's order, then kali's
 * `Corrected message latency at percentiles: …` right after the message line.
 */
export function measuredLatencyLines(
  histograms: MeasuredHistograms,
  percentiles: readonly Percentile[],
): string[] {
  const { connect, firstbyte, message, corrected } = histograms;
  const lines = latencyReportLines({ connect, firstbyte, message }, percentiles);
  if (corrected) {
    lines.push(
      "Corrected " +
        latencyReportLine("message", corrected, percentiles).replace(/^Message/, "message"),
    );
  }
  return lines;
}
