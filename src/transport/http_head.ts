/**
 * Incremental reading of an HTTP/1.1 message head (start line + header
 * fields up to the empty line), as the WebSocket handshake needs on both
 * sides. The head may arrive split at any byte; bytes after the head (the
 * first frames) are left to the caller. Lines end in CRLF or a bare LF.
 *
 * @module
 */

/** One header field; `name` lower-cased, `value` without surrounding whitespace. */
export interface HeaderField {
  name: string;
  value: string;
}

/** A parsed message head. */
export interface HttpHead {
  /** The request line or status line, without its line end. */
  startLine: string;
  /** Header fields in arrival order. */
  fields: HeaderField[];
}

/** What feeding a chunk to an {@link HttpHeadReader} gave. */
export type HeadProgress =
  /** The head is not complete yet; the whole chunk was taken. */
  | { kind: "incomplete" }
  /** The head is complete; `consumed` bytes of the chunk belong to it. */
  | { kind: "complete"; consumed: number; head: HttpHead }
  /** The head broke a rule (`tooLarge`: longer than the limit). */
  | { kind: "malformed"; reason: string; tooLarge: boolean };

const LF = 0x0a;
const CR = 0x0d;

/** Bytes `[from, to)` as a string, one character per byte (latin1). */
function latin1(bytes: Uint8Array, from: number, to: number): string {
  let text = "";
  for (let i = from; i < to; i += 4096) {
    text += String.fromCharCode(...bytes.subarray(i, Math.min(to, i + 4096)));
  }
  return text;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Splits a head (without the final empty line) into start line and fields. */
function parseHead(text: string): HttpHead | string {
  const lines = text.split("\n").map((line) => line.endsWith("\r") ? line.slice(0, -1) : line);
  const startLine = lines[0];
  const fields: HeaderField[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.length === 0) continue; // the final empty line
    if (line[0] === " " || line[0] === "\t") return "obsolete line folding";
    const colon = line.indexOf(":");
    if (colon <= 0) return `header line without a name: ${JSON.stringify(line.slice(0, 40))}`;
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return `invalid header name ${JSON.stringify(name.slice(0, 40))}`;
    fields.push({ name: name.toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  return { startLine, fields };
}

/**
 * Collects one message head across reads. Feed chunks until the result is
 * not `incomplete`; the reader is then done.
 */
export class HttpHeadReader {
  readonly #maxBytes: number;
  #buffer: Uint8Array;
  #length = 0;
  /** Non-CR bytes in the current line so far. */
  #lineBytes = 0;
  /** Whether the start line has begun (leading empty lines are skipped). */
  #started = false;

  /** `maxBytes` bounds the head (start line, fields, final empty line). */
  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
    this.#buffer = new Uint8Array(Math.min(maxBytes, 512));
  }

  /**
   * Takes bytes `chunk[from, to)` and reports how far the head is. When it
   * completes, `consumed` counts the bytes from `from` that belong to the
   * head (including any skipped leading empty lines).
   */
  feed(chunk: Uint8Array, from = 0, to: number = chunk.length): HeadProgress {
    let start = from; // first byte to keep (leading empty lines are dropped)
    for (let at = from; at < to; at++) {
      const byte = chunk[at];
      if (byte === LF) {
        if (this.#lineBytes === 0) {
          if (this.#started) return this.#complete(chunk, start, at + 1, at + 1 - from);
          start = at + 1; // an empty line before the start line is ignored (RFC 9112 §2.2)
          continue;
        }
        this.#lineBytes = 0;
      } else if (byte !== CR) {
        this.#lineBytes++;
        this.#started = true;
      } else if (!this.#started) {
        continue;
      }
      if (this.#length + (at + 1 - start) > this.#maxBytes) return TOO_LARGE;
    }
    if (this.#started) this.#append(chunk, start, to);
    return INCOMPLETE;
  }

  #append(chunk: Uint8Array, from: number, to: number): void {
    const needed = this.#length + (to - from);
    if (needed > this.#buffer.length) {
      const size = Math.min(this.#maxBytes, Math.max(needed, this.#buffer.length * 2));
      const grown = new Uint8Array(size);
      grown.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = grown;
    }
    this.#buffer.set(chunk.subarray(from, to), this.#length);
    this.#length = needed;
  }

  #complete(chunk: Uint8Array, from: number, end: number, consumed: number): HeadProgress {
    if (this.#length + (end - from) > this.#maxBytes) return TOO_LARGE;
    this.#append(chunk, from, end);
    const parsed = parseHead(latin1(this.#buffer, 0, this.#length));
    if (typeof parsed === "string") return { kind: "malformed", reason: parsed, tooLarge: false };
    return { kind: "complete", consumed, head: parsed };
  }
}

const INCOMPLETE: HeadProgress = { kind: "incomplete" };
const TOO_LARGE: HeadProgress = {
  kind: "malformed",
  reason: "header block too large",
  tooLarge: true,
};

/** All comma-separated values of the fields named `name` (lower-case), trimmed and lower-cased. */
export function fieldTokens(head: HttpHead, name: string): string[] {
  const tokens: string[] = [];
  for (const field of head.fields) {
    if (field.name !== name) continue;
    for (const part of field.value.split(",")) {
      const token = part.trim().toLowerCase();
      if (token.length > 0) tokens.push(token);
    }
  }
  return tokens;
}

/** The values of all fields named `name` (lower-case), in order. */
export function fieldValues(head: HttpHead, name: string): string[] {
  return head.fields.filter((field) => field.name === name).map((field) => field.value);
}
