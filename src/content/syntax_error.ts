/**
 * Errors raised while parsing content, carrying tcpkali's message lines.
 * The caller adds the closing line (`Failed to parse "…"` or
 * `<option>: Failed to parse expression`) and the exit code.
 *
 * @module
 */

/** A content expression that does not parse. */
export class ContentSyntaxError extends Error {
  /** Lines for stderr, in order, without the closing "Failed to parse" line. */
  readonly lines: string[];
  /** Byte offset in the argument where the error was detected. */
  readonly offset: number;

  constructor(lines: string[], offset: number) {
    super(lines.join("\n"));
    this.lines = lines;
    this.offset = offset;
  }
}

/** A `<file>` inside an expression that cannot be read. */
export class ContentFileError extends Error {
  constructor(path: string, reason: string) {
    super(`Can't open "${path}": ${reason}`);
  }
}
