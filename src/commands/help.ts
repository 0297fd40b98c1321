/**
 * `kali help [COMMAND]`: the commands, then the options of `run`.
 *
 * @module
 */
import { parseArgs } from "../cli/options.ts";
import { EXIT, UsageError } from "../errors.ts";
import type { Terminal } from "./terminal.ts";

/** The command tree's one-line summaries, in the order `kali help` lists them. */
export const COMMAND_SUMMARIES: Record<string, string> = {
  run: "run a load test (the default: `kali [OPTIONS] host:port...` is `kali run ...`)",
  help: "show this help, or a command's: `kali help run`",
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
  io.stdout(topic === undefined ? overview(program) + runHelp : runHelp);
  return EXIT.ok;
}
