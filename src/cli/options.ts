/**
 * tcpkali-compatible command-line parsing: argv to RawOptions, getopt_long
 * style (combined short flags, attached values, `--opt=value`, unique
 * prefixes of long options), with the options of the option table.
 *
 * @module
 */
import { Command, CommanderError } from "commander";
import { EXIT, UsageError } from "../errors.ts";
import { longHelp, shortHelp, versionText } from "./help.ts";
import { initialParseState, type ParseState } from "./option_readers.ts";
import { LONG_NAMES, OPTIONS, type OptionSpec, TCPKALI_LONG_NAMES } from "./option_table.ts";
import type { RawOptions } from "./raw_options.ts";
import { cpuCount } from "./system_limits.ts";

/** What parsing argv leads to: a run, or a text to print and an exit code. */
export type ParseOutcome =
  | { kind: "run"; options: RawOptions }
  | { kind: "exit"; stdout: string; exitCode: number };

/** Parses argv (without the program name). */
export function parseArgs(argv: string[], program = "kali"): ParseOutcome {
  if (argv.includes("-ws")) {
    throw new UsageError("Expected -w <N> (--workers) or --ws (--websocket), but not -ws.");
  }
  const args = expandAbbreviations(argv, program);
  const state = initialParseState();
  const cmd = new Command()
    .name(program)
    .helpOption(false)
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} })
    .allowExcessArguments(true)
    .argument("[destinations...]");
  for (const option of OPTIONS) register(cmd, option, state);
  try {
    cmd.parse(args, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) throw commanderUsage(error, args, program);
    throw error;
  }
  if (state.exit) return exitOutcome(state.exit, program);
  return { kind: "run", options: { ...state.options, destinations: cmd.args, argv: [...argv] } };
}

/** `-x, --long <value>`: the option's flags as commander takes them. */
function commanderFlags(option: OptionSpec): string {
  const names = [option.short && `-${option.short}`, option.long && `--${option.long}`];
  const flags = names.filter((name) => name).join(", ");
  return option.value ? `${flags} ${option.value}` : flags;
}

/** Registers one option so that commander hands each occurrence to its reader, in argv order. */
function register(cmd: Command, option: OptionSpec, state: ParseState): void {
  if (option.value) {
    cmd.option(commanderFlags(option), "", (value: string) => {
      option.read(state, value);
      return value;
    });
  } else {
    cmd.option(commanderFlags(option));
    cmd.on(`option:${option.long ?? option.short}`, () => option.read(state, ""));
  }
}

function exitOutcome(exit: NonNullable<ParseState["exit"]>, program: string): ParseOutcome {
  if (exit === "version") return { kind: "exit", stdout: versionText() + "\n", exitCode: 0 };
  const stdout = exit === "short-help" ? shortHelp(program) : longHelp(program, cpuCount());
  return { kind: "exit", stdout, exitCode: EXIT.usage };
}

/**
 * Expands abbreviated long options (`--dur` to `--duration`) the way
 * getopt_long does, and rejects ambiguous ones with its message.
 */
function expandAbbreviations(argv: string[], program: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      out.push(...argv.slice(i));
      break;
    }
    if (!arg.startsWith("--") || arg.length === 2) {
      out.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (LONG_NAMES.includes(name)) {
      out.push(arg);
      continue;
    }
    let candidates = LONG_NAMES.filter((o) => o.startsWith(name));
    // `--r` is still --rcvbuf, as in tcpkali, though kali added --response-timeout.
    const tcpkali = candidates.filter((o) => TCPKALI_LONG_NAMES.includes(o));
    if (tcpkali.length === 1) candidates = tcpkali;
    if (candidates.length > 1) throw ambiguous(name, candidates, program);
    out.push(candidates.length === 1 ? `--${candidates[0]}${eq < 0 ? "" : arg.slice(eq)}` : arg);
  }
  return out;
}

function ambiguous(name: string, candidates: string[], program: string): UsageError {
  const possibilities = candidates.map((c) => `'--${c}'`).join(" ");
  return new UsageError(
    [
      `${program}: option '--${name}' is ambiguous; possibilities: ${possibilities}`,
      `--${name}: unknown option`,
    ],
    EXIT.usage,
    longHelp(program, cpuCount()),
  );
}

/** Turns commander's complaint into getopt's wording plus the long help. */
function commanderUsage(error: CommanderError, args: string[], program: string): UsageError {
  const help = longHelp(program, cpuCount());
  const quoted = /'(-[^']*)'/.exec(error.message)?.[1] ?? "";
  if (error.code === "commander.unknownOption") {
    const line = quoted.startsWith("--")
      ? `${program}: unrecognized option '${quoted}'`
      : `${program}: invalid option -- '${quoted.slice(1)}'`;
    return new UsageError([line, `${quoted}: unknown option`], EXIT.usage, help);
  }
  if (error.code === "commander.optionMissingArgument") {
    const short = /'-(\w)[, ]/.exec(error.message)?.[1];
    const long = /--([\w-]+)/.exec(error.message)?.[1];
    const typed = args.at(-1) ?? "";
    const line = typed.startsWith("--") || !short
      ? `${program}: option '--${long}' requires an argument`
      : `${program}: option requires an argument -- '${short}'`;
    return new UsageError([line, `${typed}: unknown option`], EXIT.usage, help);
  }
  return new UsageError(`${program}: ${error.message.replace(/^error: /, "")}`, EXIT.usage, help);
}
