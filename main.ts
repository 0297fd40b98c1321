/**
 * kali: a fast TCP and WebSocket load generator and sink, tcpkali-compatible.
 * The command tree: `kali [run] [options] host:port...` (tcpkali's command
 * line), `kali merge`, `kali report`, `kali help`, `kali k8s-job`; each
 * command is one module under src/commands/.
 *
 * @module
 */
import { helpCommand } from "./src/commands/help.ts";
import { k8sJobCommand } from "./src/commands/k8s_job.ts";
import { mergeCommand } from "./src/commands/merge.ts";
import { reportCommand } from "./src/commands/report.ts";
import { runCommand } from "./src/commands/run.ts";
import { processTerminal, type Terminal } from "./src/commands/terminal.ts";
import { permissionHint, UsageError } from "./src/errors.ts";

/** The subcommands; any other first word is tcpkali's command line. */
const COMMANDS: Record<string, (args: string[], io: Terminal) => number | Promise<number>> = {
  run: runCommand,
  merge: mergeCommand,
  report: reportCommand,
  help: helpCommand,
  "k8s-job": k8sJobCommand,
};

/** Runs kali with `args`; resolves to the exit code. */
export async function main(args: string[], io: Terminal = processTerminal()): Promise<number> {
  try {
    const command = COMMANDS[args[0]];
    return command ? await command(args.slice(1), io) : await runCommand(args, io);
  } catch (error) {
    return failure(error, io);
  }
}

/** One clear line (or tcpkali's lines) for an error that ends the command, and its exit code. */
function failure(error: unknown, io: Terminal): number {
  if (error instanceof UsageError) {
    io.stderr(error.lines.map((line) => line + "\n").join(""));
    if (error.stdout) io.stdout(error.stdout);
    return error.exitCode;
  }
  const hint = permissionHint(error);
  if (hint) {
    io.stderr(hint + "\n");
    return 1;
  }
  throw error;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
