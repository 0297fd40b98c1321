/**
 * `kali report RESULT [--html OUT] [--hdr-log OUT] [--json OUT]
 * [--threshold EXPR]...`: renders a result file again: its text report on
 * stdout, and the web page, interval log or JSON from it. Thresholds given
 * here are judged anew (exit 99 if one fails); without any, the file's own
 * outcomes are shown.
 *
 * @module
 */
import { EXIT, UsageError } from "../errors.ts";
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
  const say = parsed.json === "-" ? io.stderr : io.stdout;
  if (loaded.reportLines.length > 0) say(loaded.reportLines.join("\n") + "\n");
  const thresholds = parsed.thresholds.length > 0
    ? evaluateThresholds(loaded.result, parsed.thresholds)
    : loaded.thresholds;
  if (thresholds.length > 0) say(thresholdLines(thresholds).join("\n") + "\n");
  writeOutputs(parsed, { ...loaded, thresholds }, io);
  return thresholds.some((t) => !t.passed) ? EXIT.thresholds : EXIT.ok;
}
