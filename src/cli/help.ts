/**
 * Help and version texts, laid out as tcpkali's so that muscle memory and
 * scripts carry over. The option lines come from the option table.
 *
 * @module
 */
import { VERSION } from "../shared/version.ts";
import { type HelpRow, OPTION_GROUPS, optionNamed } from "./option_table.ts";

/** The `--version` line. */
export function versionText(): string {
  return `kali version ${VERSION} (deno ${Deno.version.deno}, tcpkali 1.2.0 compatible)`;
}

/** Where the text column starts after the two-space indent, per screen. */
const LONG_COLUMN = 29;
const SHORT_COLUMN = 21;

/** One help line: the flags, padded to `column` (at least one space), then the text. */
function helpLine(row: HelpRow, column: number, cpus: number): string {
  const flags = typeof row.flags === "string" ? row.flags : row.flags(cpus);
  const gap = row.gap ?? Math.max(1, column - flags.length);
  return `  ${flags}${" ".repeat(gap)}${row.text}\n`;
}

const usage = (program: string) => `Usage: ${program} [OPTIONS] [-l <port>] [<host:port>...]\n`;

/** The long usage printed by `--help` and after unknown options. */
export function longHelp(program: string, cpus: number): string {
  const groups = OPTION_GROUPS.map((group) =>
    group.flatMap((o) => o.help ?? []).map((row) => helpLine(row, LONG_COLUMN, cpus)).join("")
  );
  return `${usage(program)}Where OPTIONS are:
${groups.join("\n")}
Variable units and recognized multipliers:
  <N>, <Rate>:  k (1000, as in "5k" is 5000), m (1000000)
  <SizeBytes>:  k (1024, as in "5k" is 5120), m (1024*1024)
  <Bandwidth>:  kbps, Mbps (bits per second), kBps, MBps (bytes per second)
  <Time>, <Latency>:  ms, s, m, h, d (milliseconds, seconds, minutes, etc)
  <Rate>, <Time> and <Latency> can be fractional values, such as 0.25.
`;
}

/** The options `-h` shows, in its groups and order. */
const SHORT_SCREEN = [["-h", "--help", "-d"], ["-c", "-l", "--ws", "-T"], ["-e", "-1", "-m", "-r"]];

function briefRow(flag: string): HelpRow {
  const row = optionNamed(flag).brief;
  if (!row) throw new Error(`${flag} has no line in the short help`);
  return row;
}

/** The short usage printed by `-h` and when there is no target. */
export function shortHelp(program: string): string {
  const groups = SHORT_SCREEN.map((group) =>
    group.map((flag) => helpLine(briefRow(flag), SHORT_COLUMN, 0)).join("")
  );
  return `${usage(program)}Where some OPTIONS are:
${groups.join("\n")}
Variable units and recognized multipliers:
  <N>, <Rate>:  k (1000, as in "5k" is 5000), m (1000000)
  <Time>:       ms, s, m, h, d (milliseconds, seconds, minutes, hours, days)
  <Rate> and <Time> can be fractional values, such as 0.25.

Use \`${program} --help\` for a full set of supported options.
`;
}
