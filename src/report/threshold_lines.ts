/**
 * The thresholds' verdict lines, one per `--threshold`, after the report:
 * `✓ message.p99 < 5ms (measured 3.2 ms)`, `✗ sent.ratio >= 0.99 (measured 0.874)`.
 *
 * @module
 */
import { formatFixed } from "../shared/format.ts";
import type { ThresholdOutcome } from "../stats/thresholds.ts";

/** A measured value as the report would print it, with its unit. */
export function measuredText(outcome: ThresholdOutcome): string {
  const value = outcome.measured;
  if (value === null) return "not measured";
  switch (outcome.unit) {
    case "ms":
      return `${formatFixed(value, 1)} ms`;
    case "mps":
      return `${formatFixed(value, 3)} mps`;
    case "B/s":
      return `${formatFixed((8 * value) / 1e6, 3)} Mbps`;
    case "ratio":
      return formatFixed(value, 4);
    default:
      return `${value} ${outcome.unit}`;
  }
}

/** One line per threshold. */
export function thresholdLines(outcomes: readonly ThresholdOutcome[]): string[] {
  return outcomes.map((o) =>
    `${o.passed ? "✓" : "✗"} ${o.expression} (measured ${measuredText(o)})`
  );
}
