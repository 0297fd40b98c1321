/**
 * The one error type the command line raises: a message for stderr and
 * tcpkali's exit code for it.
 *
 * @module
 */

/** sysexits.h codes tcpkali uses. */
export const EXIT = {
  ok: 0,
  failure: 1,
  messageStop: 2,
  usage: 64,
  dataError: 65,
  noHost: 68,
  unavailable: 69,
  software: 70,
} as const;

/** A refusal to run: stderr `lines`, then exit with `exitCode`. */
export class UsageError extends Error {
  /** Lines for stderr, printed in order. */
  readonly lines: string[];
  /** Process exit code. */
  readonly exitCode: number;
  /** What to print on stdout after the lines (help texts). */
  readonly stdout: string;

  constructor(lines: string | string[], exitCode: number = EXIT.usage, stdout = "") {
    const all = typeof lines === "string" ? [lines] : lines;
    super(all.join("\n"));
    this.lines = all;
    this.exitCode = exitCode;
    this.stdout = stdout;
  }
}
