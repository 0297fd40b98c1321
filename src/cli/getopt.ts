/**
 * The argv scanner behind `parseArgs`, getopt_long style and driven by the
 * option table: `-c 10`, `-c10`, `--connections 10`, `--connections=10`,
 * combined short flags (`-vvv`, `-em x`), operands anywhere, `--` ends the
 * options. Abbreviated long options are expanded before the scan.
 *
 * kali's own rather than a library's: the general-purpose parser it replaces
 * loaded Deno's Node compatibility layer, about 17 MiB of every run's peak RSS.
 *
 * @module
 */
import type { OptionSpec } from "./option_table.ts";

/** What a scan found besides the occurrences it handed out. */
export interface Scan {
  /** The words that are not options or their values: the destinations. */
  operands: string[];
  /** The first word that names no option, as typed (`-x`, `--bogus=1`). */
  unknown: string | null;
  /** The option whose value is missing at the end of argv. */
  missing: OptionSpec | null;
}

/** `-x` and `--long` to their option; the first registration of a name wins. */
function flagIndex(options: readonly OptionSpec[]): Map<string, OptionSpec> {
  const index = new Map<string, OptionSpec>();
  for (const option of options) {
    for (const flag of [option.short && `-${option.short}`, option.long && `--${option.long}`]) {
      if (flag && !index.has(flag)) index.set(flag, option);
    }
  }
  return index;
}

/**
 * Hands every occurrence of an option, with its value ("" for a flag), to
 * `occurrence` in argv order. Options after an unknown one are still
 * handed out (their checks come first); the scan stops at a missing value.
 */
export function scanArgs(
  args: readonly string[],
  options: readonly OptionSpec[],
  occurrence: (option: OptionSpec, value: string) => void,
): Scan {
  const flags = flagIndex(options);
  const scan: Scan = { operands: [], unknown: null, missing: null };
  let i = 0;
  let group: string | null = null; // the rest of a short-flag group, as `-rest`
  while (i < args.length || group !== null) {
    const arg: string = group ?? args[i++];
    group = null;
    if (arg === "--") {
      scan.operands.push(...args.slice(i));
      break;
    }
    const option = arg.length > 1 && arg[0] === "-" ? flags.get(arg) : undefined;
    if (option?.value) {
      if (i >= args.length) return { ...scan, missing: option };
      occurrence(option, args[i++]);
    } else if (option) {
      occurrence(option, "");
    } else if (arg.length > 2 && arg[0] === "-" && arg[1] !== "-" && flags.has(`-${arg[1]}`)) {
      const first = flags.get(`-${arg[1]}`)!;
      occurrence(first, first.value ? arg.slice(2) : "");
      if (!first.value) group = `-${arg.slice(2)}`;
    } else if (!longWithValue(arg, flags, occurrence)) {
      if (arg.length > 1 && arg[0] === "-") scan.unknown ??= arg;
      else scan.operands.push(arg);
    }
  }
  return scan;
}

/** `--long=value` for an option that takes a value; false for anything else. */
function longWithValue(
  arg: string,
  flags: Map<string, OptionSpec>,
  occurrence: (option: OptionSpec, value: string) => void,
): boolean {
  const eq = arg.indexOf("=");
  if (!arg.startsWith("--") || eq < 3) return false;
  const option = flags.get(arg.slice(0, eq));
  if (!option?.value) return false;
  occurrence(option, arg.slice(eq + 1));
  return true;
}
