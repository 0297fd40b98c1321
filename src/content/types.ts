/**
 * The seam between traffic content and the rest of kali: what the command
 * line hands over, the compiled (structured-clone safe) form of content, and
 * what a connection writes from.
 *
 * @module
 */

/** One content option as given, before compilation. */
export interface ContentArg {
  /** `first`: -1 / --first-message-file; `message`: -m / -f. */
  kind: "first" | "message";
  /** The raw bytes of the argument or file. */
  bytes: Uint8Array;
  /** Whether an -e came before this option (unescapes literal text). */
  unescape: boolean;
  /** The option or file name, for error messages. */
  origin: string;
}

/** Which end of a connection writes: WebSocket frames are masked on clients only. */
export type Side = "client" | "server";

/** A node of a compiled `re` generator (tcpkali's regex subset). */
export type RegexNode =
  | { type: "literal"; bytes: Uint8Array }
  | { type: "class"; members: Uint8Array }
  | { type: "sequence"; items: RegexNode[] }
  | { type: "alternation"; options: RegexNode[] }
  | { type: "repeat"; item: RegexNode; min: number; max: number };

/** A WebSocket frame written by a `\{ws.<opcode> …}` expression. */
export interface FrameSpec {
  opcode: number;
  fin: boolean;
  /** RSV bits in position (rsv1 0x40, rsv2 0x20, rsv3 0x10). */
  rsv: number;
  payload: Uint8Array;
}

/**
 * One piece of parsed content. `raw` parts come from `\{raw …}` and are
 * never wrapped into `--ws` text frames.
 */
export type ContentPart =
  /** Literal text, `<file>` bytes, `global.re` results, `raw "…"`. */
  | { type: "bytes"; bytes: Uint8Array; raw: boolean }
  /** `\{ws.* …}`: a complete frame, header depends on the side. */
  | { type: "frame"; frame: FrameSpec }
  /** `connection.uid`, then each `% n` in order. */
  | { type: "uid"; modulo: number[]; raw: boolean }
  /** `connection.ptr`, then each `% n` in order. */
  | { type: "ptr"; modulo: number[]; raw: boolean }
  /** `re` (fresh per message) or `connection.re` (fixed per connection). */
  | { type: "regex"; scope: "message" | "connection"; regex: RegexNode; raw: boolean }
  /** `message.marker`: 30 bytes whose 16 hex digits are stamped per write. */
  | { type: "marker"; raw: boolean };

/** One content option after parsing. */
export interface ContentSegment {
  kind: "first" | "message";
  parts: ContentPart[];
}

/**
 * What one connection writes. The engine writes `first` once, then loops
 * over `block`; after each full pass over `block` it calls `refill()` and
 * reads `block` again (refill may replace it with a view of another length).
 */
export interface MessageSource {
  /** First messages, rendered for this connection. */
  readonly first: Uint8Array;
  /** Size of one repeated (composite) message in bytes, for pacing; 0 if nothing repeats. */
  readonly messageSize: number;
  /** Whole repeated messages back to back; empty if nothing repeats. */
  readonly block: Uint8Array;
  /** Re-renders per-message parts of `block` (may swap in a new view). */
  refill(): void;
  /**
   * Present when the content holds `\{message.marker}`s: writes the send
   * time into every marker starting in `[from, to)` of `buffer` (which must
   * be this source's `first` or `block`). Allocation-free; call right
   * before each write.
   */
  stamp?(buffer: Uint8Array, from: number, to: number, epochMicros: number): void;
}
