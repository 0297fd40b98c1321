/**
 * The `-vvv` percentile table of a latency histogram, in HdrHistogram's
 * "classic" layout as tcpkali prints it in a worker's exit block (values in
 * ms).
 *
 * @module
 */
import { decodeFromCompressedBase64, type JsHistogram } from "hdr-histogram-js";
import type { LatencyHistogram } from "./histogram.ts";

/** Percentile ticks per half distance, as tcpkali's `hdr_percentiles_print(…, 5, …)`. */
const TICKS_PER_HALF_DISTANCE = 5;

/**
 * The table lines: a header, a blank line, `Value Percentile TotalCount
 * 1/(1-Percentile)` rows (`%12.3f %12f %12d %12.2f`), and the `#[Mean …]`,
 * `#[Max …]`, `#[Buckets …]` footer.
 */
export function percentileTable(histogram: LatencyHistogram): string[] {
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
