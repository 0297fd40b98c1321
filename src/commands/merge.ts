/**
 * `kali merge RESULT... [--json OUT] [--hdr-log OUT] [--html OUT]
 * [--threshold EXPR]...`: the result of the whole of several runs (shards
 * of one load on many machines): tcpkali's report lines for the whole,
 * computed from summed counters and histograms added bucket by bucket,
 * then the thresholds' verdicts (exit 99 if one fails).
 *
 * @module
 */
import { EXIT } from "../errors.ts";
import { resultReport } from "../report/final_report.ts";
import { thresholdLines } from "../report/threshold_lines.ts";
import { mergeResults } from "../stats/merge.ts";
import { evaluateThresholds } from "../stats/thresholds.ts";
import { loadResults, parseResultArgs, writeOutputs } from "./result_files.ts";
import type { Terminal } from "./terminal.ts";

/** `kali help merge`. */
export const MERGE_USAGE =
  "Usage: kali merge RESULT... [--json OUT] [--hdr-log OUT] [--html OUT] [--threshold EXPR]...";

/** Merges the results; resolves to the exit code. */
export async function mergeCommand(args: string[], io: Terminal): Promise<number> {
  const parsed = parseResultArgs(args, MERGE_USAGE);
  const parts = await loadResults(parsed.inputs, io);
  const { result, reason, warnings } = mergeResults(parts);
  for (const line of warnings) io.stderr(line + "\n");
  // `--json -`: the result owns stdout; the report goes to stderr.
  const say = parsed.json === "-" ? io.stderr : io.stdout;
  const reportLines = resultReport(result, result.setup.messageMarker);
  say(reportLines.join("\n") + "\n");
  const thresholds = evaluateThresholds(result, parsed.thresholds);
  if (thresholds.length > 0) say(thresholdLines(thresholds).join("\n") + "\n");
  writeOutputs(parsed, { result, reason, reportLines, thresholds }, io);
  return thresholds.some((t) => !t.passed) ? EXIT.thresholds : EXIT.ok;
}
