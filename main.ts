/**
 * kali: a fast TCP and WebSocket load generator and sink, tcpkali-compatible.
 * The command tree: `kali [run] [options] host:port...` (tcpkali's command
 * line), `kali merge`, `kali report`, `kali help`, `kali k8s-job`; each
 * command is one module under src/commands/.
 *
 * @module
 */
import { processTerminal, type Terminal } from "./src/commands/terminal.ts";
import { permissionHint, UsageError } from "./src/errors.ts";

/** One command: its arguments and the terminal, to an exit code. */
type Command = (args: string[], io: Terminal) => number | Promise<number>;

/**
 * The subcommands; any other first word is tcpkali's command line. Each is
 * imported only when chosen, so that a run does not load the other
 * commands' modules. The specifiers stay static strings: `deno compile`
 * bundles those (and a test checks that every command is named so).
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import("./src/commands/run.ts")).runCommand,
  merge: async () => (await import("./src/commands/merge.ts")).mergeCommand,
  report: async () => (await import("./src/commands/report.ts")).reportCommand,
  help: async () => (await import("./src/commands/help.ts")).helpCommand,
  "k8s-job": async () => (await import("./src/commands/k8s_job.ts")).k8sJobCommand,
};

/** Runs kali with `args`; resolves to the exit code. */
export async function main(args: string[], io: Terminal = processTerminal()): Promise<number> {
  try {
    // Own properties only: `kali toString` is a destination, not Object.prototype's method.
    const named = Object.hasOwn(COMMANDS, args[0]);
    const command = await COMMANDS[named ? args[0] : "run"]();
    return await command(named ? args.slice(1) : args, io);
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
