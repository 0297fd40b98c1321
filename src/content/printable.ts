/**
 * tcpkali's printable form of bytes: the escaping used by data dumps
 * (`Snd(…): […]`) and by messages that quote a value.
 *
 * @module
 */

const HEX = "0123456789abcdef";

/** How each byte is shown in a dump, indexed by byte value (LF excluded). */
const DUMP_FORM: readonly string[] = Array.from({ length: 256 }, (_, byte) => {
  if (byte === 0x5c) return "\\\\";
  if (byte === 0x0d) return "\\r";
  if (byte === 0x0a) return "\\n";
  if (byte >= 0x20 && byte <= 0x7e) return String.fromCharCode(byte);
  return `\\x${HEX[byte >> 4]}${HEX[byte & 15]}`;
});

/** Options for {@linkcode escapeBytes}. */
export interface EscapeOptions {
  /** Show `"` as `\"` (the quoted form used inside messages). */
  escapeQuotes?: boolean;
  /** Show LF as `\n` without a line break (a value inside a one-line message). */
  oneLine?: boolean;
}

/**
 * Escapes bytes the way tcpkali dumps them: printable ASCII as itself, `\`
 * as `\\`, CR as `\r`, LF as `\n` followed by a newline and a TAB (unless it
 * is the last byte), anything else as lowercase `\xNN`.
 */
export function escapeBytes(bytes: Uint8Array, options: EscapeOptions = {}): string {
  let out = "";
  const last = bytes.length - 1;
  for (let i = 0; i <= last; i++) {
    const byte = bytes[i];
    if (byte === 0x0a) {
      out += i === last || options.oneLine ? "\\n" : "\\n\n\t";
    } else if (byte === 0x22 && options.escapeQuotes) {
      out += '\\"';
    } else {
      out += DUMP_FORM[byte];
    }
  }
  return out;
}

const encoder = new TextEncoder();

/**
 * The quoted form tcpkali uses when it names a value in a message: the dump
 * escaping with `"` shown as `\"`, between double quotes. `\{foo}` becomes
 * `"\\{foo}"`.
 */
export function quoteBytes(value: Uint8Array | string): string {
  const bytes = typeof value === "string" ? encoder.encode(value) : value;
  return `"${escapeBytes(bytes, { escapeQuotes: true })}"`;
}

/** The most bytes of a value that a message quotes; longer values are cut around a position. */
export const EXCERPT_BYTES = 64;

/** A cut of a value for a message: what to show, and where it sits in the whole. */
export interface Excerpt {
  /** The escaped bytes, one line, with `...` where the value goes on. */
  text: string;
  /** Offset of the first byte shown. */
  from: number;
  /** Offset after the last byte shown. */
  to: number;
}

/**
 * At most `limit` bytes of `bytes` around offset `at`, escaped as a dump on
 * one line, `...` marking a cut at either end. Messages about a huge value
 * (a content file of many megabytes) stay short this way.
 */
export function excerptAround(bytes: Uint8Array, at: number, limit = EXCERPT_BYTES): Excerpt {
  const position = Math.max(0, Math.min(at, bytes.length));
  const from = Math.max(0, Math.min(position - (limit >> 1), bytes.length - limit));
  const to = Math.min(bytes.length, from + limit);
  const shown = escapeBytes(bytes.subarray(from, to), { escapeQuotes: true, oneLine: true });
  return {
    text: `${from > 0 ? "..." : ""}${shown}${to < bytes.length ? "..." : ""}`,
    from,
    to,
  };
}

/**
 * One data-dump line without the trailing newline:
 * `Snd(<id>, <n>): [<escaped bytes>]`.
 */
export function dumpLine(direction: "Snd" | "Rcv", id: number, bytes: Uint8Array): string {
  return `${direction}(${id}, ${bytes.length}): [${escapeBytes(bytes)}]`;
}
