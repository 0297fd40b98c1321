/**
 * Parsers for the latency parts of kali's output.
 *
 * @module
 */

/** The figures of `<title> at percentiles: a/b/c ms (x/y/z%)`, or null if absent. */
export function percentileLine(
  stdout: string,
  title: string,
): { values: number[]; labels: string[] } | null {
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`^${escaped} at percentiles: ([\\d./]+) ms \\(([\\d./]+)%\\)$`, "m")
    .exec(stdout);
  if (!match) return null;
  return { values: match[1].split("/").map(Number), labels: match[2].split("/") };
}

/** Sum over the `-vv` worker exit blocks of `<N> <name>` lines. */
export function workerSum(stderr: string, name: string): number {
  let total = 0;
  for (const match of stderr.matchAll(new RegExp(`^  (\\d+) ${name}$`, "gm"))) {
    total += Number(match[1]);
  }
  return total;
}

/**
 * Sum over the `-vvv` percentile tables of `Total count`, for the tables
 * that follow a `  Marker latency:` summary.
 */
export function markerSampleCount(stderr: string): number {
  let total = 0;
  for (const block of stderr.split("  Marker latency:").slice(1)) {
    const match = /Total count\s+=\s+(\d+)\]/.exec(block);
    if (!match) throw new Error(`no Total count after Marker latency in:\n${block}`);
    total += Number(match[1]);
  }
  return total;
}

/** Whether `values` never decrease. */
export function monotone(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v >= values[i - 1]);
}
