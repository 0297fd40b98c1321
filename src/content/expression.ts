/**
 * Parses one content argument into parts: literal text and `\{…}`
 * expressions (tcpkali's `\{…}` language). Files named in expressions
 * are read here, and `global.re` is drawn here, once.
 *
 * @module
 */
import { ByteWriter, concatBytes } from "./buffers.ts";
import { Cursor, MAX_NESTING } from "./cursor.ts";
import { readFileName } from "./file_name.ts";
import { parseRegex } from "./regex.ts";
import { generateRegex } from "./regex_generate.ts";
import type { Random } from "./random.ts";
import { FileReadError, readPermittedFile } from "../errors.ts";
import { ContentFileError } from "./syntax_error.ts";
import type { ContentPart, FrameSpec } from "./types.ts";
import { unescape } from "./unescape.ts";
import {
  OPCODE_BY_NAME as OPCODES,
  RSV_BY_NAME as RSV_BITS,
} from "../transport/websocket_frame.ts";

/** Options for {@linkcode parseContent}. */
export interface ParseOptions {
  /** Unescape literal text (`-e`); quoted strings are always unescaped. */
  unescape: boolean;
  /** Draws `global.re` values. */
  random: Random;
  /** Reads `<file>` contents; defaults to `Deno.readFileSync`. */
  readFile?: (path: string) => Uint8Array;
}

const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const LESS = 0x3c;
const MARKER_ZERO = new TextEncoder().encode("0");

/**
 * Parses content bytes into parts. Throws ContentSyntaxError (with
 * tcpkali's message lines) or ContentFileError.
 */
export function parseContent(source: Uint8Array, options: ParseOptions): ContentPart[] {
  const parts: ContentPart[] = [];
  const cursor = new Cursor(source);
  let literalStart = 0;
  const flushLiteral = (end: number) => {
    if (end > literalStart) {
      const text = source.slice(literalStart, end);
      parts.push({ type: "bytes", bytes: options.unescape ? unescape(text) : text, raw: false });
    }
  };
  while (!cursor.atEnd) {
    const byte = cursor.peek();
    if (byte === BACKSLASH && cursor.peek(1) === BACKSLASH) {
      cursor.at += 2; // a doubled backslash is one literal unit
    } else if (byte === BACKSLASH && cursor.peek(1) === OPEN_BRACE) {
      flushLiteral(cursor.at);
      cursor.at += 2;
      parts.push(...parseExpression(cursor, options, 0));
      expectClose(cursor);
      literalStart = cursor.at;
    } else {
      cursor.at++;
    }
  }
  flushLiteral(cursor.at);
  return mergeBytes(parts);
}

function expectClose(cursor: Cursor): void {
  cursor.skipSpace();
  if (cursor.peek() !== CLOSE_BRACE) cursor.failAtToken("'}'");
  cursor.at++;
}

function expectDot(cursor: Cursor): void {
  cursor.skipSpace();
  if (cursor.peek() !== 0x2e || cursor.peek(1) === 0x2e) cursor.failAtToken("'.'");
  cursor.at++;
}

/** Reads one of `allowed`; unknown words fail like tcpkali's lexer. */
function expectWord(cursor: Cursor, allowed: readonly string[]): string {
  cursor.skipSpace();
  const start = cursor.at;
  const word = cursor.word();
  if (!allowed.includes(word)) {
    cursor.at = start;
    cursor.failAtToken(allowed.map((w) => `"${w}"`).join(" or "));
  }
  return word;
}

/**
 * The expression after `\{` (depth 0) or after `raw {` (nested, where
 * frames are not allowed), up to but excluding `}`.
 */
function parseExpression(cursor: Cursor, options: ParseOptions, depth: number): ContentPart[] {
  cursor.skipSpace();
  if (cursor.peek() === LESS) {
    return [{ type: "bytes", bytes: readFileToken(cursor, options), raw: false }];
  }
  const start = cursor.at;
  const word = cursor.word();
  switch (word) {
    case "raw":
      return parseRaw(cursor, options, depth);
    case "re":
      return [{ type: "regex", scope: "message", regex: parseRegex(cursor), raw: false }];
    case "global": {
      expectDot(cursor);
      expectWord(cursor, ["re"]);
      const out = new ByteWriter();
      generateRegex(parseRegex(cursor), options.random, out);
      return [{ type: "bytes", bytes: out.copy(), raw: false }];
    }
    case "connection": {
      expectDot(cursor);
      const what = expectWord(cursor, ["uid", "ptr", "re"]);
      if (what === "re") {
        return [{ type: "regex", scope: "connection", regex: parseRegex(cursor), raw: false }];
      }
      return [{ type: what as "uid" | "ptr", modulo: parseModulo(cursor), raw: false }];
    }
    case "message": {
      expectDot(cursor);
      expectWord(cursor, ["marker"]);
      // `message.marker % n` is always 0 (the marker's numeric value is 0).
      if (parseModulo(cursor).length > 0) {
        return [{ type: "bytes", bytes: MARKER_ZERO, raw: false }];
      }
      return [{ type: "marker", raw: false }];
    }
    case "ws":
      if (depth > 0) break;
      return [{ type: "frame", frame: parseFrame(cursor, options) }];
  }
  cursor.at = start;
  return cursor.failAtToken();
}

/** `{ "%" integer }` after a numeric expression; `% 0` is rejected. */
function parseModulo(cursor: Cursor): number[] {
  const modulo: number[] = [];
  for (;;) {
    cursor.skipSpace();
    if (cursor.peek() !== 0x25) return modulo;
    cursor.at++;
    cursor.skipSpace();
    const start = cursor.at;
    const digits = cursor.digits();
    if (digits === "") cursor.failAtToken("integer");
    const divisor = Number(digits);
    const token = cursor.text(start, cursor.at);
    if (divisor === 0) cursor.failSemantic(token, "modulo by zero (% 0)", start);
    if (!Number.isSafeInteger(divisor)) cursor.failSemantic(token, "modulo too large", start);
    modulo.push(divisor);
  }
}

function parseRaw(cursor: Cursor, options: ParseOptions, depth: number): ContentPart[] {
  cursor.skipSpace();
  const byte = cursor.peek();
  let inner: ContentPart[];
  if (byte === QUOTE) {
    inner = [{ type: "bytes", bytes: readQuoted(cursor), raw: true }];
  } else if (byte === LESS) {
    inner = [{ type: "bytes", bytes: readFileToken(cursor, options), raw: true }];
  } else if (byte === OPEN_BRACE) {
    if (depth === MAX_NESTING) {
      cursor.failSemantic("{", `expression nested deeper than ${MAX_NESTING} levels`);
    }
    cursor.at++;
    inner = parseExpression(cursor, options, depth + 1);
    expectClose(cursor);
  } else {
    return cursor.failAtToken("quoted string or file name or '{'");
  }
  return inner.map((part) => (part.type === "frame" ? part : { ...part, raw: true }));
}

/** `ws.<opcode> { quoted | file } { "..." | rsv }`. */
function parseFrame(cursor: Cursor, options: ParseOptions): FrameSpec {
  expectDot(cursor);
  const opcode = OPCODES[expectWord(cursor, Object.keys(OPCODES))];
  const payload = new ByteWriter();
  let fin = true;
  let rsv = 0;
  let flagsStarted = false;
  for (;;) {
    cursor.skipSpace();
    const byte = cursor.peek();
    if (!flagsStarted && byte === QUOTE) {
      payload.append(readQuoted(cursor));
    } else if (!flagsStarted && byte === LESS) {
      payload.append(readFileToken(cursor, options));
    } else if (byte === 0x2e && cursor.peek(1) === 0x2e && cursor.peek(2) === 0x2e) {
      cursor.at += 3;
      fin = false;
      flagsStarted = true;
    } else if (byte === 0x72 && cursor.peek(1) === 0x73) { // "rs…"
      const start = cursor.at;
      const word = cursor.word();
      if (!(word in RSV_BITS)) {
        cursor.at = start;
        cursor.failAtToken("'}'");
      }
      rsv |= RSV_BITS[word];
      flagsStarted = true;
    } else {
      return { opcode, fin, rsv, payload: payload.copy() };
    }
  }
}

/** A `"…"` string (cursor on the opening quote), always unescaped. */
function readQuoted(cursor: Cursor): Uint8Array {
  const start = ++cursor.at;
  while (cursor.peek() !== QUOTE) {
    if (cursor.atEnd) cursor.failNear("", "unexpected end of expression, expecting '\"'");
    cursor.at += cursor.peek() === BACKSLASH && cursor.peek(1) !== -1 ? 2 : 1;
  }
  const content = cursor.source.subarray(start, cursor.at);
  cursor.at++;
  return unescape(content);
}

const utf8 = new TextDecoder();

/** `<name>`, `< "name" >` and every other spacing (cursor on `<`): reads and returns the file. */
function readFileToken(cursor: Cursor, options: ParseOptions): Uint8Array {
  const path = utf8.decode(readFileName(cursor));
  return (options.readFile ?? readFileOrFail)(path);
}

/** Reads a whole file; failures become ContentFileError with the OS reason. */
function readFileOrFail(path: string): Uint8Array {
  try {
    return readPermittedFile(path);
  } catch (error) {
    if (error instanceof FileReadError) throw new ContentFileError(path, error.reason);
    throw error;
  }
}

/**
 * Joins neighbouring byte parts of the same rawness, each run copied once
 * (joining pairwise would be quadratic in the number of parts).
 */
function mergeBytes(parts: ContentPart[]): ContentPart[] {
  const merged: ContentPart[] = [];
  let run: Uint8Array[] = [];
  let runRaw = false;
  const flush = () => {
    if (run.length > 0) merged.push({ type: "bytes", bytes: concat(run), raw: runRaw });
    run = [];
  };
  for (const part of parts) {
    if (part.type !== "bytes") {
      flush();
      merged.push(part);
    } else if (part.bytes.length > 0) {
      if (run.length > 0 && part.raw !== runRaw) flush();
      run.push(part.bytes);
      runRaw = part.raw;
    }
  }
  flush();
  return merged;
}

function concat(runs: Uint8Array[]): Uint8Array {
  return runs.length === 1 ? runs[0] : concatBytes(runs);
}
