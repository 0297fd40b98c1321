/**
 * tcpkali-compatible command-line parsing: argv to RawOptions, getopt_long
 * style (combined short flags, attached values, `--opt=value`, unique
 * prefixes of long options), with the options of the option table.
 *
 * @module
 */
import { EXIT, UsageError } from "../errors.ts";
import { longHelp, shortHelp, versionText } from "./help.ts";
import { scanArgs } from "./getopt.ts";
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
  const scan = scanArgs(args, OPTIONS, (option, value) => option.read(state, value));
  if (scan.missing) throw missingArgument(scan.missing, args, program);
  if (scan.unknown !== null) throw unknownOption(scan.unknown, program);
  if (state.exit) return exitOutcome(state.exit, program);
  return {
    kind: "run",
    options: { ...state.options, destinations: scan.operands, argv: [...argv] },
  };
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

/** getopt's words for a word that names no option, then the long help. */
function unknownOption(word: string, program: string): UsageError {
  const quote = word.indexOf("'");
  const flag = quote < 0 ? word : word.slice(0, quote);
  const line = flag.startsWith("--")
    ? `${program}: unrecognized option '${flag}'`
    : `${program}: invalid option -- '${flag.slice(1)}'`;
  return new UsageError(
    [line, `${flag}: unknown option`],
    EXIT.usage,
    longHelp(program, cpuCount()),
  );
}

/**
 * getopt's words for an option whose value is missing: the long form when
 * the last word was a long option (or the option has no letter).
 */
function missingArgument(option: OptionSpec, args: string[], program: string): UsageError {
  const typed = args.at(-1) ?? "";
  const line = typed.startsWith("--") || !option.short
    ? `${program}: option '--${option.long}' requires an argument`
    : `${program}: option requires an argument -- '${option.short}'`;
  return new UsageError(
    [line, `${typed}: unknown option`],
    EXIT.usage,
    longHelp(program, cpuCount()),
  );
}
