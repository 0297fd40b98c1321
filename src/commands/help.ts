/**
 * `kali help [COMMAND]`: the commands, then the options of `run`.
 *
 * @module
 */
import { parseArgs } from "../cli/options.ts";
import { THRESHOLD_METRICS } from "../cli/thresholds.ts";
import { EXIT, UsageError } from "../errors.ts";
import { MERGE_USAGE } from "./merge.ts";
import { REPORT_USAGE } from "./report.ts";
import { K8S_JOB_USAGE } from "./k8s_job.ts";
import type { Terminal } from "./terminal.ts";

/** The command tree's one-line summaries, in the order `kali help` lists them. */
export const COMMAND_SUMMARIES: Record<string, string> = {
  run: "run a load test (the default: `kali [OPTIONS] host:port...` is `kali run ...`)",
  merge: "add up results of several runs (shards on many machines) into the result of the whole",
  report: "render a result file again: its report, a web page (--html), an interval log",
  help: "show this help, or a command's: `kali help run`",
  "k8s-job": "print a Kubernetes Job that runs a test in N shards: `kali help k8s-job`",
};

const RESULT_OPTIONS =
  `  RESULT             a --json file, or - for standard input; a file or stdin may
                     hold several results one after another (kubectl logs)
  --json <file>      write the result as JSON; - for stdout (the report then on stderr)
  --hdr-log <file>   write latency as an HdrHistogram interval log
  --html <file>      write the result as a self-contained web page
  --threshold <expr> exit 99 unless it holds, e.g. "message.p99 < 5ms"; repeatable
                     metrics: ${THRESHOLD_METRICS}
`;

/** The help of the commands with their own options; the others show `run`'s. */
const COMMAND_HELP: Record<string, string> = {
  merge: `${MERGE_USAGE}
Adds up results of runs that shared one load: counters summed, histograms added
bucket by bucket (percentiles of the whole, never averaged), per-second series
aligned by Unix time. Refuses results of different content or rate per connection.
${RESULT_OPTIONS}`,
  report: `${REPORT_USAGE}
Prints a result file's report and renders it again; its thresholds' outcomes, or
those of --threshold given here, decide the exit code (99 if one fails).
${RESULT_OPTIONS}`,
  "k8s-job": K8S_JOB_USAGE,
};

function overview(program: string): string {
  const names = Object.keys(COMMAND_SUMMARIES);
  const width = Math.max(...names.map((name) => name.length));
  const rows = names.map((name) => `  ${name.padEnd(width)}  ${COMMAND_SUMMARIES[name]}`);
  return `Usage: ${program} [COMMAND] [OPTIONS] [<host:port>...]\nCommands:\n${
    rows.join("\n")
  }\n\n`;
}

/** Prints the help; exit 0 (tcpkali's `--help` keeps its exit 64). */
export function helpCommand(args: string[], io: Terminal, program = "kali"): number {
  const [topic, ...extra] = args;
  if (extra.length > 0 || (topic !== undefined && !(topic in COMMAND_SUMMARIES))) {
    throw new UsageError(`${program} help: unknown command "${args.join(" ")}"`, EXIT.usage);
  }
  const parsed = parseArgs(["--help"], program);
  const runHelp = parsed.kind === "exit" ? parsed.stdout : "";
  io.stdout(topic === undefined ? overview(program) + runHelp : COMMAND_HELP[topic] ?? runHelp);
  return EXIT.ok;
}
