/**
 * Compiles content options into templates (once, at option-parsing time)
 * and hands each connection its MessageSource.
 *
 * @module
 */
import { EXIT, UsageError } from "../errors.ts";
import { concatBytes } from "./buffers.ts";
import { parseContent } from "./expression.ts";
import { escapeBytes, EXCERPT_BYTES, excerptAround } from "./printable.ts";
import {
  bindConnection,
  buildProgram,
  dependsOnConnection,
  isConstant,
  type Op,
  programSizes,
} from "./program.ts";
import { RenderedSource, sharedSource } from "./message_source.ts";
import { Random } from "./random.ts";
import { ContentFileError, ContentSyntaxError } from "./syntax_error.ts";
import type { ContentArg, ContentPart, ContentSegment, MessageSource, Side } from "./types.ts";
import { unescape } from "./unescape.ts";

/** Compiled content: plain structured-clone-safe data, part of the RunPlan. */
export interface CompiledContent {
  /** Every content option in command-line order, parsed. */
  segments: ContentSegment[];
  /** Base of the `connection.ptr` values (uid-derived, unique per connection). */
  pointerBase: number;
}

/** Repeated messages are replicated into blocks of at least this size. */
export const MIN_BLOCK_BYTES = 65535;

/** Stride between `connection.ptr` values of consecutive uids. */
const POINTER_STRIDE = 0x2d0;

/** Options for {@linkcode compileContent}. */
export interface CompileOptions {
  /** Seed for `global.re` (tests); default: the system CSPRNG. */
  seed?: number;
}

/**
 * Parses every content option, reads files named in expressions and draws
 * `global.re` values. Bad content raises a UsageError with tcpkali's lines
 * and exit code 1.
 */
export function compileContent(args: ContentArg[], options: CompileOptions = {}): CompiledContent {
  const random = new Random(options.seed);
  const segments = args.map((arg): ContentSegment => {
    try {
      return { kind: arg.kind, parts: parseContent(arg.bytes, { unescape: arg.unescape, random }) };
    } catch (error) {
      if (error instanceof ContentSyntaxError) {
        throw new UsageError([...error.lines, failedToParse(arg, error.offset)], EXIT.failure);
      }
      if (error instanceof ContentFileError) throw new UsageError(error.message, EXIT.failure);
      throw error;
    }
  });
  const pointerBase = 0x7f0000000000 + random.below(0x1000000) * 0x10000;
  return { segments, pointerBase };
}

/**
 * tcpkali's `Failed to parse "<argument quoted>"`, on one line (a newline
 * shows as `\n` only); a long argument (a content file of megabytes) is
 * quoted only around the error.
 */
function failedToParse(arg: ContentArg, offset: number): string {
  if (arg.bytes.length <= EXCERPT_BYTES) {
    return `Failed to parse ""${escapeBytes(arg.bytes, { escapeQuotes: true, oneLine: true })}""`;
  }
  const cut = excerptAround(arg.bytes, offset);
  return `Failed to parse ""${cut.text}"" (bytes ${cut.from}-${cut.to} of ${arg.bytes.length}, error at byte ${offset})`;
}

/** Options for {@linkcode compileLiteral}. */
export interface LiteralOptions {
  /** `-e` came before the option: unescape the whole string before parsing. */
  unescape: boolean;
  /** The option name for messages, e.g. `--message-stop`. */
  origin: string;
  /** Exit code for errors (tcpkali: 64). */
  exitCode?: number;
}

const encoder = new TextEncoder();

/**
 * Compiles an option that accepts only constant content (`--message-stop`):
 * expressions must resolve to fixed bytes (`<file>`, `global.re`, `raw "…"`).
 * Errors: `<origin>: Failed to parse expression` after the parser's lines,
 * `<origin>: Non-trivial expressions are not supported`.
 */
export function compileLiteral(text: string | Uint8Array, options: LiteralOptions): Uint8Array {
  const parts = parseOption(text, options);
  const literal: Uint8Array[] = [];
  for (const part of parts) {
    if (part.type !== "bytes") throw nonTrivial(options);
    literal.push(part.bytes);
  }
  return concatBytes(literal);
}

/**
 * A string that may name its connection (`--latency-marker`): constant
 * bytes plus `connection.uid`, `connection.ptr` and `connection.re`, which
 * tcpkali evaluated once per connection. Anything drawn per message is
 * refused as in {@linkcode compileLiteral}.
 */
export interface ConnectionLiteral {
  /** The option's text as given (after `-e` unescaping), for display. */
  source: Uint8Array;
  /** The render program (only bytes and connection ops). */
  ops: Op[];
  /** Whether it depends on the connection; if not, ops is one bytes op. */
  perConnection: boolean;
}

/** Compiles a {@linkcode ConnectionLiteral}; errors as {@linkcode compileLiteral}. */
export function compileConnectionLiteral(
  text: string | Uint8Array,
  options: LiteralOptions,
): ConnectionLiteral {
  const raw = typeof text === "string" ? encoder.encode(text) : text;
  const source = options.unescape ? unescape(raw) : raw;
  const parts = parseOption(source, { ...options, unescape: false });
  for (const part of parts) {
    const perConnection = part.type === "uid" || part.type === "ptr" ||
      (part.type === "regex" && part.scope === "connection");
    if (part.type !== "bytes" && !perConnection) throw nonTrivial(options);
  }
  const ops = buildProgram([parts], { websocket: false, masked: false });
  return { source, ops, perConnection: dependsOnConnection(ops) };
}

/**
 * The bytes of `literal` for connection `uid`. `pointerBase` is the run's
 * ({@linkcode CompiledContent.pointerBase}), so `connection.ptr` here is the
 * same value the connection's messages carry.
 */
export function connectionLiteralFor(
  literal: ConnectionLiteral,
  uid: number,
  pointerBase: number,
  random: Random,
): Uint8Array {
  const bound = literal.perConnection
    ? bindConnection(literal.ops, { uid, pointer: pointerBase + uid * POINTER_STRIDE, random })
    : literal.ops;
  return concatBytes(bound.map((op) => (op as { bytes: Uint8Array }).bytes));
}

function nonTrivial(options: LiteralOptions): UsageError {
  return new UsageError(
    `${options.origin}: Non-trivial expressions are not supported`,
    options.exitCode ?? EXIT.usage,
  );
}

/** Parses an option's expression text, with tcpkali's errors naming the option. */
function parseOption(text: string | Uint8Array, options: LiteralOptions): ContentPart[] {
  const exitCode = options.exitCode ?? EXIT.usage;
  const raw = typeof text === "string" ? encoder.encode(text) : text;
  try {
    return parseContent(options.unescape ? unescape(raw) : raw, {
      unescape: false,
      random: new Random(),
    });
  } catch (error) {
    if (error instanceof ContentSyntaxError) {
      throw new UsageError(
        [...error.lines, `${options.origin}: Failed to parse expression`],
        exitCode,
      );
    }
    if (error instanceof ContentFileError) {
      throw new UsageError(
        [error.message, `${options.origin}: Failed to parse expression`],
        exitCode,
      );
    }
    throw error;
  }
}

/** Options for the size helpers and {@linkcode contentFactory}. */
export interface FramingOptions {
  /** `--ws`: literal runs travel as text frames. Default false. */
  websocket?: boolean;
  /** Which side writes (client frames are 4 bytes longer). Default client. */
  side?: Side;
}

function programsOf(content: CompiledContent, options: FramingOptions) {
  const program = {
    websocket: options.websocket ?? false,
    masked: (options.side ?? "client") === "client",
  };
  const partsOf = (kind: "first" | "message") =>
    content.segments.filter((s) => s.kind === kind).map((s) => s.parts);
  return {
    first: buildProgram(partsOf("first"), program),
    message: buildProgram(partsOf("message"), program),
  };
}

/** Whether any -m / -f was given (even an empty one). */
export function hasMessages(content: CompiledContent): boolean {
  return content.segments.some((s) => s.kind === "message");
}

/**
 * Smallest size one composite repeated message can have. 0 triggers
 * tcpkali's `--message may resolve to zero length, double-check regular
 * expression` with `-r`.
 */
export function minMessageSize(content: CompiledContent, options: FramingOptions = {}): number {
  return programSizes(programsOf(content, options).message).min;
}

/**
 * Expected size of one composite repeated message, with real frame sizes
 * (fixes tcpkali's double-counted frame headers). Regex parts count their
 * average; `connection.uid`/`ptr` are estimated here, so per-connection
 * pacing should use `MessageSource.messageSize`, which is exact.
 */
export function averageMessageSize(content: CompiledContent, options: FramingOptions = {}): number {
  return programSizes(programsOf(content, options).message).avg;
}

/** Alias of {@linkcode averageMessageSize} without framing (kept for early callers). */
export function messageSize(content: CompiledContent): number {
  return averageMessageSize(content);
}

/** Whether `\{message.marker}` occurs anywhere (turns on --message-marker). */
export function usesMessageMarker(content: CompiledContent): boolean {
  return content.segments.some((s) => s.parts.some((p) => p.type === "marker"));
}

/** Gives each connection what it writes; constant content is shared. */
export interface ContentFactory {
  /** The MessageSource for a new connection numbered `uid`. */
  forConnection(uid: number): MessageSource;
  /** Whether connections need a uid (content depends on the connection). */
  readonly needsUid: boolean;
}

/** Options for {@linkcode contentFactory}. */
export interface FactoryOptions {
  /** `--ws`: wrap each maximal run of non-frame content into a text frame. */
  websocket?: boolean;
  /** Replicate repeated messages to at least this many bytes (default 65535). */
  minBlockBytes?: number;
  /**
   * Block size for constant content, shared by every connection of the
   * worker (default: `minBlockBytes`). Larger blocks mean fewer, larger
   * writes for unlimited senders, at one buffer per worker.
   */
  constantBlockBytes?: number;
  /** Seed for `re` / `connection.re` draws (tests); default: the system CSPRNG. */
  seed?: number;
}

/**
 * Builds the factory for one side of connections in one worker. Call once
 * per worker; `forConnection` once per connection.
 */
export function contentFactory(
  content: CompiledContent,
  side: Side,
  options: FactoryOptions = {},
): ContentFactory {
  const minBlockBytes = options.minBlockBytes ?? MIN_BLOCK_BYTES;
  const { first, message } = programsOf(content, { websocket: options.websocket, side });
  const all = [...first, ...message];
  if (isConstant(all)) {
    const blockBytes = Math.max(minBlockBytes, options.constantBlockBytes ?? 0);
    const shared = sharedSource(bytesOf(first), bytesOf(message), blockBytes);
    return { needsUid: false, forConnection: () => shared };
  }
  const random = new Random(options.seed);
  const needsUid = dependsOnConnection(all);
  return {
    needsUid,
    forConnection(uid: number): MessageSource {
      if (!needsUid) return new RenderedSource(first, message, random, minBlockBytes);
      const binding = { uid, pointer: content.pointerBase + uid * POINTER_STRIDE, random };
      return new RenderedSource(
        bindConnection(first, binding),
        bindConnection(message, binding),
        random,
        minBlockBytes,
      );
    },
  };
}

function bytesOf(ops: Op[]): Uint8Array {
  return ops.length === 0 ? new Uint8Array(0) : (ops[0] as { bytes: Uint8Array }).bytes;
}

export type { ContentArg, MessageSource, Side } from "./types.ts";
