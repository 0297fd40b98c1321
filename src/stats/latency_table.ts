/**
 * A worker's exit block of latency (tcpkali prints it at `-vv`): the
 * summary figures, and at `-vvv` the percentile table in HdrHistogram's
 * "classic" layout (values in ms).
 *
 * @module
 */
import type { JsHistogram } from "hdr-histogram-js";
import type { LatencyHistogram } from "./histogram.ts";
import { formatFixed } from "../shared/format.ts";
import { histogramLibrary } from "./hdr_library.ts";

/** Percentile ticks per half distance, as tcpkali's `hdr_percentiles_print(…, 5, …)`. */
const TICKS_PER_HALF_DISTANCE = 5;

/**
 * The table lines: a header, a blank line, `Value Percentile TotalCount
 * 1/(1-Percentile)` rows (`%12.3f %12f %12d %12.2f`), and the `#[Mean …]`,
 * `#[Max …]`, `#[Buckets …]` footer.
 */
export function percentileTable(histogram: LatencyHistogram): string[] {
  const { decodeFromCompressedBase64 } = histogramLibrary();
  const decoded = decodeFromCompressedBase64(histogram.toBase64(), 32, false) as JsHistogram;
  try {
    const text = decoded.outputPercentileDistribution(TICKS_PER_HALF_DISTANCE, 1000);
    const lines = ["       Value   Percentile   TotalCount 1/(1-Percentile)", ""];
    for (const line of text.split("\n").slice(2)) {
      if (line === "") continue;
      if (line.startsWith("#")) {
        lines.push(line);
        continue;
      }
      const [value, percentile, count, inverse] = line.trim().split(/\s+/);
      let row = `${value.padStart(12)} ${Number(percentile).toFixed(6).padStart(12)} ${
        count.padStart(12)
      }`;
      if (inverse !== undefined) row += ` ${inverse.padStart(12)}`;
      lines.push(row);
    }
    return lines;
  } finally {
    decoded.destroy();
  }
}

/**
 * A worker's `-vv` exit summary of one histogram (tcpkali lists connect and
 * marker latency only):
 * `  Connect latency:` then `    0.1 latency_95_ms` … `latency_max_ms`.
 */
export function workerLatencySummary(
  kind: "connect" | "message",
  histogram: LatencyHistogram,
): string[] {
  const figure = (ms: number, name: string) => `    ${formatFixed(ms, 1)} latency_${name}_ms`;
  return [
    kind === "connect" ? "  Connect latency:" : "  Marker latency:",
    figure(histogram.percentileMs(95), "95"),
    figure(histogram.percentileMs(99), "99"),
    figure(histogram.percentileMs(99.5), "99_5"),
    figure(histogram.meanMs(), "mean"),
    figure(histogram.maxMs(), "max"),
  ];
}
