/**
 * A position in content bytes with the lexical helpers both expression
 * parsers share, and tcpkali-style syntax error messages.
 *
 * @module
 */
import { escapeBytes } from "./printable.ts";
import { ContentSyntaxError } from "./syntax_error.ts";

/** Words the expression language knows; any other word is an unknown token. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  "raw",
  "re",
  "global",
  "connection",
  "message",
  "uid",
  "ptr",
  "marker",
  "ws",
  "text",
  "binary",
  "close",
  "ping",
  "pong",
  "cont",
  "continuation",
  "rsv1",
  "rsv2",
  "rsv3",
]);

/** Space, tab, LF, VT, FF, CR. */
export function isSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/** ASCII decimal digit. */
export function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

function isWordStart(byte: number): boolean {
  return (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || byte === 0x5f;
}

function isWordByte(byte: number): boolean {
  return isWordStart(byte) || isDigit(byte);
}

const latin1 = new TextDecoder("latin1");

/** The most bytes of one token quoted in a parse error. */
const TOKEN_BYTES = 40;

/**
 * How deep expressions may nest (`raw {raw {…}}`, regex groups and stacked
 * repeats): parsers recurse per level, so the bound keeps a hostile
 * argument from exhausting the stack.
 */
export const MAX_NESTING = 32;

/** Reading position over one content argument. */
export class Cursor {
  /** The whole argument. */
  readonly source: Uint8Array;
  /** Current byte offset. */
  at: number;

  constructor(source: Uint8Array, at = 0) {
    this.source = source;
    this.at = at;
  }

  /** Whether all bytes are consumed. */
  get atEnd(): boolean {
    return this.at >= this.source.length;
  }

  /** The byte `ahead` positions on, or -1 past the end. */
  peek(ahead = 0): number {
    const i = this.at + ahead;
    return i < this.source.length ? this.source[i] : -1;
  }

  /** Skips whitespace between tokens. */
  skipSpace(): void {
    while (!this.atEnd && isSpace(this.source[this.at])) this.at++;
  }

  /** Reads a word (`[A-Za-z_][A-Za-z0-9_]*`) or returns "" if none starts here. */
  word(): string {
    const start = this.at;
    if (!isWordStart(this.peek())) return "";
    while (isWordByte(this.peek())) this.at++;
    return latin1.decode(this.source.subarray(start, this.at));
  }

  /** Reads a run of decimal digits, or "" if none starts here. */
  digits(): string {
    const start = this.at;
    while (isDigit(this.peek())) this.at++;
    return latin1.decode(this.source.subarray(start, this.at));
  }

  /**
   * Text of bytes `[from, to)` for messages: dump-escaped on one line, cut
   * after TOKEN_BYTES bytes (a quoted string token may be megabytes long).
   */
  text(from: number, to: number): string {
    const end = Math.min(to, from + TOKEN_BYTES);
    const shown = escapeBytes(this.source.subarray(from, end), { oneLine: true });
    return end < to ? `${shown}...` : shown;
  }

  /**
   * Fails at the next token of an expression with bison-like wording:
   * `Parse error near token "<tok>": syntax error, unexpected <what>[, expecting <expecting>]`.
   * An unknown word fails as tcpkali's lexer does.
   */
  failAtToken(expecting?: string): never {
    this.skipSpace();
    const start = this.at;
    const byte = this.peek();
    let token = "";
    let what = "end of expression";
    if (byte === -1) {
      // nothing: end of the argument
    } else if (isWordStart(byte)) {
      const word = this.word();
      token = this.text(start, this.at);
      if (!KEYWORDS.has(word)) this.failUnknownWord(token, start);
      what = `"${token}"`;
    } else if (isDigit(byte)) {
      this.digits();
      token = this.text(start, this.at);
      what = "integer";
    } else if (byte === 0x22) {
      this.at++;
      while (!this.atEnd && this.peek() !== 0x22) this.at += this.peek() === 0x5c ? 2 : 1;
      this.at = Math.min(this.at + 1, this.source.length);
      token = this.text(start, this.at);
      what = "quoted string";
    } else if (byte === 0x3c) {
      token = "<";
      what = "file name";
    } else if (byte === 0x2e && this.peek(1) === 0x2e && this.peek(2) === 0x2e) {
      token = "...";
      what = "'...'";
    } else {
      token = this.text(start, start + 1);
      what = `'${token}'`;
    }
    this.failNear(token, `unexpected ${what}${expecting ? `, expecting ${expecting}` : ""}`, start);
  }

  /** Fails on the single byte at the cursor (regex context). */
  failAtByte(expecting?: string): never {
    const byte = this.peek();
    const token = byte === -1 ? "" : this.text(this.at, this.at + 1);
    const what = byte === -1 ? "end of expression" : `'${token}'`;
    this.failNear(token, `unexpected ${what}${expecting ? `, expecting ${expecting}` : ""}`);
  }

  /** `Parse error near token "<token>": syntax error, <detail>`. */
  failNear(token: string, detail: string, offset = this.at): never {
    throw new ContentSyntaxError(
      [`Parse error near token "${token}": syntax error, ${detail}`],
      offset,
    );
  }

  /** A parse error of kali's own (no tcpkali equivalent), pointing at `offset`. */
  failSemantic(token: string, detail: string, offset = this.at): never {
    throw new ContentSyntaxError(
      [`Parse error near token "${token}" at byte ${offset}: ${detail}`],
      offset,
    );
  }

  /** tcpkali's two lines for a word it does not know. */
  failUnknownWord(word: string, offset = this.at): never {
    throw new ContentSyntaxError([
      `Unexpected token in message expression: ${word}`,
      `Parse error near token "${word}": syntax error, unexpected end of expression`,
    ], offset);
  }
}
