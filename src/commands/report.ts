/**
 * `kali report RESULT [--html OUT] [--hdr-log OUT] [--json OUT]
 * [--threshold EXPR]...`: renders a result file again: its text report on
 * stdout, recomputed from the file's counters and histograms (stages,
 * closed loop and rate search included), and the web page, interval log or
 * JSON from it. A file an older kali wrote, from which some figure cannot
 * be recomputed, shows the report it holds (its loading says what is
 * missing). Thresholds given here are judged anew (exit 99 if one fails);
 * without any, the file's own outcomes are shown.
 *
 * @module
 */
import { EXIT, UsageError } from "../errors.ts";
import { resultReport } from "../report/final_report.ts";
import { thresholdLines } from "../report/threshold_lines.ts";
import { evaluateThresholds } from "../stats/thresholds.ts";
import { loadResults, parseResultArgs, writeOutputs } from "./result_files.ts";
import type { Terminal } from "./terminal.ts";

/** `kali help report`. */
export const REPORT_USAGE =
  "Usage: kali report RESULT [--html OUT] [--hdr-log OUT] [--json OUT] [--threshold EXPR]...";

/** Renders one result; resolves to the exit code. */
export async function reportCommand(args: string[], io: Terminal): Promise<number> {
  const parsed = parseResultArgs(args, REPORT_USAGE);
  const results = await loadResults(parsed.inputs, io);
  if (results.length !== 1) {
    throw new UsageError(
      `kali report takes one result (${results.length} given); kali merge adds results up`,
    );
  }
  const [loaded] = results;
  const { result } = loaded;
  const reportLines = result.reported && loaded.notes.length === 0
    ? resultReport(result, result.setup.messageMarker)
    : loaded.reportLines;
  const say = parsed.json === "-" ? io.stderr : io.stdout;
  if (reportLines.length > 0) say(reportLines.join("\n") + "\n");
  const thresholds = parsed.thresholds.length > 0
    ? evaluateThresholds(result, parsed.thresholds)
    : loaded.thresholds;
  if (thresholds.length > 0) say(thresholdLines(thresholds).join("\n") + "\n");
  writeOutputs(parsed, { ...loaded, reportLines, thresholds }, io);
  return thresholds.some((t) => !t.passed) ? EXIT.thresholds : EXIT.ok;
}
