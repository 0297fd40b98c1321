/**
 * The files a run writes besides its report (`--json`, `--hdr-log`,
 * `--html`): checked before any traffic, and one line when one cannot be
 * written.
 *
 * @module
 */
import { EXIT, strerror, UsageError } from "../errors.ts";

/** The options that name an output file, and what each writes. */
export type OutputOption = "--json" | "--hdr-log" | "--html";

const WHAT: Record<OutputOption, string> = {
  "--json": "result",
  "--hdr-log": "interval log",
  "--html": "page",
};

/** `kali: cannot write the --json result to "out.json": No such file or directory`. */
export function cannotWrite(option: OutputOption, file: string, error: unknown): string {
  return `kali: cannot write the ${option} ${WHAT[option]} to "${file}": ${strerror(error)}`;
}

/**
 * Checks before any traffic that an output file can be written: opens it
 * for appending, creating it if need be (its content is replaced when it
 * is written). Throws a one-line UsageError, exit 73 (EX_CANTCREAT), when
 * it cannot be.
 */
export function prepareOutputFile(option: OutputOption, file: string): void {
  try {
    Deno.openSync(file, { append: true, create: true }).close();
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new UsageError(cannotWrite(option, file, error), EXIT.cantCreate);
  }
}
