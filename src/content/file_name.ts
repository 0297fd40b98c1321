/**
 * The `<file>` token of the expression language, lexed as tcpkali's lexer
 * does inside angle brackets: whitespace around the name is skipped
 * (`< "/dev/null" >`, `< /dev/null >`), the name is a run of bytes other
 * than `] [ " ' { } < > ( )` and space, or a quoted run, and at each
 * position the longest of those readings wins (ties go to the earlier
 * rule). A run that is neither is an "Unexpected filename format".
 *
 * @module
 */
import { type Cursor, isSpace } from "./cursor.ts";
import { ContentSyntaxError } from "./syntax_error.ts";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const GREATER = 0x3e;
const SPACE = 0x20;
const CR = 0x0d;
const LF = 0x0a;

/** Bytes an unquoted name may hold: all but `] [ " ' { } < > ( )` and space. */
const NAME_BYTE = new Uint8Array(256).fill(1);
for (const c of "][\"'{}<>() ") NAME_BYTE[c.charCodeAt(0)] = 0;

/** What one lexer step inside `<…>` found. */
type Token =
  | { kind: "space" | "close" | "end"; length: number }
  | { kind: "name"; length: number; name: Uint8Array }
  | { kind: "bad"; length: number; detail: string };

/** Length of the run at `at` whose bytes satisfy `test`. */
function runLength(source: Uint8Array, at: number, test: (byte: number) => boolean): number {
  let end = at;
  while (end < source.length && test(source[end])) end++;
  return end - at;
}

/** Length of a `"…"` name at `at` (no CR/LF, no `\` before a quote), or 0. */
function quotedLength(source: Uint8Array, at: number): number {
  if (source[at] !== QUOTE) return 0;
  for (let i = at + 1; i < source.length;) {
    const byte = source[i];
    if (byte === QUOTE) return i + 1 - at;
    if (byte === CR || byte === LF) return 0;
    if (byte === BACKSLASH) {
      if (i + 1 >= source.length || source[i + 1] === QUOTE) return 0;
      i += 2;
    } else {
      i++;
    }
  }
  return 0;
}

/** Length of the longest run at `at`, free of `>`, that ends in `\"`, or 0. */
function backslashedQuoteLength(source: Uint8Array, at: number): number {
  let longest = 0;
  for (let i = at + 1; i + 1 < source.length && source[i] !== GREATER; i++) {
    if (source[i] === BACKSLASH && source[i + 1] === QUOTE) longest = i + 2 - at;
  }
  return longest;
}

/** The next token inside `<…>` at the cursor (longest reading, earlier rule on ties). */
function nextToken(cursor: Cursor): Token {
  const { source, at } = cursor;
  if (at >= source.length) return { kind: "end", length: 0 };
  if (source[at] === GREATER) return { kind: "close", length: 1 };
  const space = runLength(source, at, isSpace);
  const name = runLength(source, at, (b) => NAME_BYTE[b] === 1);
  const quoted = quotedLength(source, at);
  const backslashed = backslashedQuoteLength(source, at);
  const bad = runLength(source, at, (b) => b !== GREATER && b !== SPACE);
  const longest = Math.max(space, name, quoted, backslashed, bad);
  if (space === longest) return { kind: "space", length: space };
  if (name === longest) return { kind: "name", length: name, name: source.subarray(at, at + name) };
  if (quoted === longest) {
    return { kind: "name", length: quoted, name: source.subarray(at + 1, at + quoted - 1) };
  }
  const text = cursor.text(at, at + longest);
  const detail = backslashed === longest ? `${text} ends with a backslashed quote` : text;
  return { kind: "bad", length: longest, detail };
}

/** The next token that is not whitespace; the cursor moves past it. */
function nextSolidToken(cursor: Cursor, expecting: string): Token {
  for (;;) {
    const token = nextToken(cursor);
    if (token.kind === "bad") {
      const text = cursor.text(cursor.at, cursor.at + token.length);
      throw new ContentSyntaxError([
        `Unexpected filename format: ${token.detail}`,
        `Parse error near token "${text}": syntax error, unexpected end of expression, expecting ${expecting}`,
      ], cursor.at);
    }
    cursor.at += token.length;
    if (token.kind !== "space") return token;
  }
}

/** Fails on `token` (already consumed) where `expecting` was due. */
function unexpected(cursor: Cursor, token: Token, expecting: string): never {
  const start = cursor.at - token.length;
  const what = token.kind === "end"
    ? "end of expression"
    : token.kind === "close"
    ? "'>'"
    : "file name";
  cursor.failNear(
    cursor.text(start, cursor.at),
    `unexpected ${what}, expecting ${expecting}`,
    start,
  );
}

/**
 * Reads `<name>` with the cursor on `<` and returns the file name's bytes
 * (a quoted name without its quotes, verbatim). The cursor ends past `>`.
 */
export function readFileName(cursor: Cursor): Uint8Array {
  cursor.at++;
  const name = nextSolidToken(cursor, "file name");
  if (name.kind !== "name") unexpected(cursor, name, "file name");
  const close = nextSolidToken(cursor, "'>'");
  if (close.kind !== "close") unexpected(cursor, close, "'>'");
  return name.name;
}
