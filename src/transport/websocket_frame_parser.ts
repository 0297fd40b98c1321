/**
 * Streaming RFC 6455 frame parser for the receive side. Fed chunks split at
 * any byte (inside a header, inside the 64-bit length, inside a payload), it
 * reports frame starts, payload bytes (unmasked in place), frame ends,
 * complete messages, pings, pongs and closes, and validates the protocol.
 * Data frames are never buffered and a chunk costs no allocation; only
 * control payloads (≤ 125 bytes) are collected into one small buffer.
 *
 * When the handler looks at no data frame (no `frameStart`, `payload`,
 * `frameEnd` or `message`), whole data frames lying in a chunk are
 * validated and skipped in one tight loop, their payloads left as they came
 * (not unmasked): a sink pays a few nanoseconds per small frame. With
 * `validateUtf8` the loop checks text payloads as they came, so it takes
 * text frames with a zero (tcpkali's) masking key only, and checks a short
 * ASCII message with two or four 32-bit reads. Other text frames, control
 * frames, frames split across chunks and anything the loop would refuse go
 * through the general path, which reports and validates them as always.
 * The frames that repeat a whole message's header (a load generator sends
 * one frame over and over) take a tighter loop still, a few loads and
 * compares each: the header's checks hold for them already.
 *
 * @module
 */
import { CloseCode, parseClosePayload } from "./websocket_close.ts";
import {
  FIN,
  isControlOpcode,
  MASK_BIT,
  maskInPlace,
  MAX_CONTROL_PAYLOAD,
  MAX_FRAME_HEADER,
  Opcode,
  RSV_BITS,
} from "./websocket_frame.ts";
import { Utf8Validator } from "./utf8_validator.ts";

/** The frame being received. One object per parser, updated in place. */
export interface FrameInfo {
  /** 4-bit opcode. */
  opcode: number;
  /** FIN bit. */
  fin: boolean;
  /** RSV bits in byte-0 positions (0x40 | 0x20 | 0x10). */
  rsv: number;
  /** Whether the frame carried a masking key. */
  masked: boolean;
  /** Masking key as an unsigned 32-bit number (0 when unmasked). */
  maskKey: number;
  /** Payload length in bytes. */
  length: number;
}

/**
 * Receives parser events. Every method is optional. Arguments (the shared
 * {@link FrameInfo}, payload views) are valid only during the call.
 */
export interface FrameHandler {
  /** A frame header has been read and accepted. */
  frameStart?(frame: FrameInfo): void;
  /** Payload bytes `bytes[from, to)` of the current frame (control frames too), already unmasked. */
  payload?(bytes: Uint8Array, from: number, to: number, frame: FrameInfo): void;
  /** The current frame's payload is complete. */
  frameEnd?(frame: FrameInfo): void;
  /** A data message is complete (its final frame ended); `opcode` is text or binary. */
  message?(opcode: number, length: number): void;
  /** A ping arrived: answer with a pong carrying the same payload. */
  ping?(payload: Uint8Array): void;
  /** A pong arrived. */
  pong?(payload: Uint8Array): void;
  /** A valid close frame arrived (code 1005 when it had no payload). */
  close?(code: number, reason: string): void;
}

/** Options for {@link WebSocketFrameParser}. */
export interface FrameParserOptions {
  /**
   * The side this parser receives on. A `server` receives client frames,
   * which must be masked; a `client` receives server frames, which must not.
   */
  side: "client" | "server";
  /** Enforce the masking rule of `side`; default true. */
  enforceMasking?: boolean;
  /**
   * RSV bits allowed without a negotiated extension (byte-0 positions,
   * `RSV_BITS` for all). Default 0: any RSV bit is a protocol error. tcpkali
   * can send `\{ws.text rsv1}` frames, so a kali sink may allow them.
   */
  allowedRsv?: number;
  /** Largest frame or message payload accepted; beyond it, 1009. Default 2^53 − 1. */
  maxMessageLength?: number;
  /** Check that text messages are UTF-8 (RFC 6455 §8.1); if not, 1007. Default false. */
  validateUtf8?: boolean;
}

/** Parser states. */
const HEADER = 0;
const PAYLOAD = 1;
const FAILED = 2;

const TWO_POW_32 = 0x1_0000_0000;

/**
 * Whole text messages of 4 to this many bytes are checked for ASCII inline
 * (two or four 32-bit reads), without the validator.
 */
const SHORT_TEXT = 16;

/**
 * Longest text payload that {@link skipAlike} checks for ASCII itself;
 * beyond it the validator's aligned reads are faster than its unaligned ones.
 */
const ALIKE_TEXT = 128;

/**
 * One connection's frame parser. Call {@link WebSocketFrameParser.push} with
 * each received chunk; it returns 0, or a close code (1002, 1007, 1009) when
 * the peer broke the protocol. After a violation the parser stays failed and
 * ignores further input: send a close frame with that code and close.
 *
 * Masked payloads are unmasked **in place** in the chunk given to `push`
 * (data payloads only when the handler looks at data frames).
 */
export class WebSocketFrameParser {
  /** The current (or last) frame; the object handed to the handler. */
  readonly frame: FrameInfo = {
    opcode: 0,
    fin: false,
    rsv: 0,
    masked: false,
    maskKey: 0,
    length: 0,
  };
  /** Complete data messages received so far. */
  messages = 0;
  /** Frames received so far (all opcodes, counted at their end). */
  frames = 0;
  /** Whether a close frame has been received. */
  closeReceived = false;
  /** After a violation: what was wrong, for logs; "" otherwise. */
  error = "";

  readonly #handler: FrameHandler;
  readonly #expectMasked: boolean | null;
  readonly #allowedRsv: number;
  readonly #maxLength: number;
  /** No handler looks at data frames: whole ones are skipped (see the module doc). */
  readonly #skipsData: boolean;

  #state = HEADER;
  #failure = 0;
  /** Header bytes collected so far (a header may span chunks). */
  readonly #head = new Uint8Array(MAX_FRAME_HEADER);
  #headHave = 0;
  #headNeed = 2;
  /** Payload bytes of the current frame still to come. */
  #remaining = 0;
  /** Payload bytes of the current frame seen so far (mask phase). */
  #payloadOffset = 0;
  /** Opcode of the open fragmented message, or -1 when none is open. */
  #messageOpcode = -1;
  #messageLength = 0;
  /** Control payload collector, allocated on the first control frame. */
  #control: Uint8Array | null = null;
  /** Checks text messages when `validateUtf8`; null otherwise. */
  readonly #utf8: Utf8Validator | null;
  /** The last chunk the skipping loop read, and a DataView of it (read buffers are reused). */
  #viewed: Uint8Array | null = null;
  #view: DataView = new DataView(new ArrayBuffer(0));

  constructor(handler: FrameHandler, options: FrameParserOptions) {
    this.#handler = handler;
    const enforce = options.enforceMasking ?? true;
    this.#expectMasked = enforce ? options.side === "server" : null;
    this.#allowedRsv = (options.allowedRsv ?? 0) & RSV_BITS;
    this.#maxLength = options.maxMessageLength ?? Number.MAX_SAFE_INTEGER;
    this.#utf8 = options.validateUtf8 ? new Utf8Validator() : null;
    this.#skipsData = !handler.frameStart && !handler.payload && !handler.frameEnd &&
      !handler.message;
  }

  /** Whether a fragmented data message is open (first frame seen, final frame not yet). */
  get inMessage(): boolean {
    return this.#messageOpcode !== -1;
  }

  /** Whether the parser is between frames (no partial header or payload pending). */
  get atFrameBoundary(): boolean {
    return this.#state === HEADER && this.#headHave === 0;
  }

  /**
   * Parses `chunk[from, to)`. Returns 0 when all is well, otherwise the close
   * code to send (the same code on every later call).
   */
  push(chunk: Uint8Array, from = 0, to: number = chunk.length): number {
    let at = from;
    while (at < to && this.#failure === 0) {
      if (this.#skipsData && this.#state === HEADER && this.#headHave === 0) {
        const next = this.#skipDataFrames(chunk, at, to);
        if (next === to) break;
        // What the loop stopped at goes through the general path, one frame.
        at = next;
        at = this.#readHeader(chunk, at, to);
        if (this.#headerJustCompleted() && this.#remaining === 0) this.#endFrame();
        continue;
      }
      if (this.#state === PAYLOAD) {
        const n = Math.min(this.#remaining, to - at);
        this.#takePayload(chunk, at, at + n);
        at += n;
        this.#remaining -= n;
        if (this.#remaining === 0) this.#endFrame();
      } else {
        at = this.#readHeader(chunk, at, to);
        // A zero-length frame ends as soon as its header does.
        if (this.#headerJustCompleted() && this.#remaining === 0) this.#endFrame();
      }
    }
    return this.#failure;
  }

  /**
   * Skips the whole, valid text, binary and continuation frames that start
   * at `at` and end by `to`, keeping the message state and counts the
   * general path would; returns where it stopped: `to`, or the first frame
   * it leaves to the general path (a control frame, a 64-bit length, one
   * split across chunks, or one the general path must refuse). After a
   * frame, when the next repeats its header, {@link skipAlike} takes the run
   * (tried again every 16 frames once one was not).
   */
  #skipDataFrames(chunk: Uint8Array, at: number, to: number): number {
    const expectMasked = this.#expectMasked;
    const refusedRsv = RSV_BITS & ~this.#allowedRsv;
    const maxLength = this.#maxLength;
    const utf8 = this.#utf8;
    const view = this.#viewOf(chunk);
    let messageOpcode = this.#messageOpcode;
    let messageLength = this.#messageLength;
    let frames = 0;
    let messages = 0;
    let last = -1;
    let alikeSeen = true;
    while (at + 2 <= to) {
      const b0 = chunk[at];
      const b1 = chunk[at + 1];
      const opcode = b0 & 0x0f;
      if (opcode > Opcode.binary || (b0 & refusedRsv) !== 0) break;
      const masked = (b1 & MASK_BIT) !== 0;
      if (expectMasked !== null && masked !== expectMasked) break;
      let length = b1 & 0x7f;
      let start = at + 2;
      if (length === 126) {
        if (start + 2 > to) break;
        length = (chunk[start] << 8) | chunk[start + 1];
        start += 2;
      } else if (length === 127) {
        break;
      }
      if (masked) start += 4;
      const end = start + length;
      if (end > to) break;
      const continues = opcode === Opcode.continuation;
      if (continues ? messageOpcode === -1 : messageOpcode !== -1) break;
      if ((continues ? messageLength : 0) + length > maxLength) break;
      const fin = (b0 & FIN) !== 0;
      if (utf8 !== null && (continues ? messageOpcode : opcode) === Opcode.text) {
        // The check reads the payload as sent: a real mask leaves the frame to the general path.
        if (masked && view.getUint32(start - 4, true) !== 0) break;
        // A whole short message in ASCII needs no validator (idle between messages).
        let high = 0x80;
        if (fin && !continues && length >= 4 && length <= SHORT_TEXT) {
          high = view.getUint32(start, true) | view.getUint32(end - 4, true);
          if (length > 8) high |= view.getUint32(start + 4, true) | view.getUint32(end - 8, true);
          high &= 0x80808080;
        }
        if (high !== 0 && !this.#checkText(utf8, chunk, start, end, fin)) {
          this.#describe(chunk, at);
          last = -1;
          at = to;
          break;
        }
      }
      messageOpcode = fin ? -1 : continues ? messageOpcode : opcode;
      messageLength = fin ? 0 : (continues ? messageLength : 0) + length;
      if (fin) messages++;
      frames++;
      last = at;
      at = end;
      // After a whole one-frame message, the frames that repeat its header.
      if ((alikeSeen || (frames & 15) === 0) && fin && !continues) {
        const alike = at + 2 <= to && view.getUint16(at) === ((b0 << 8) | b1)
          ? skipAlike(view, at, to, end - last, length, utf8 !== null && opcode === Opcode.text)
          : at;
        alikeSeen = alike !== at;
        if (alikeSeen) {
          const n = (alike - at) / (end - last); // frames of the size of the one at `last`
          frames += n;
          messages += n;
          last = alike - (end - last);
          at = alike;
        }
      }
    }
    this.#messageOpcode = messageOpcode;
    this.#messageLength = messageLength;
    this.frames += frames;
    this.messages += messages;
    if (last >= 0) this.#describe(chunk, last);
    return at;
  }

  /**
   * The UTF-8 check of a skipped text frame's payload `chunk[from, to)`, as
   * the general path makes it; false after failing the stream with 1007.
   */
  #checkText(
    utf8: Utf8Validator,
    chunk: Uint8Array,
    from: number,
    to: number,
    fin: boolean,
  ): boolean {
    if (!utf8.push(chunk, from, to)) {
      return this.#fail(CloseCode.invalidPayload, "text message is not UTF-8");
    }
    if (!fin) return true;
    if (!utf8.complete) {
      return this.#fail(CloseCode.invalidPayload, "text message ends inside a UTF-8 character");
    }
    utf8.reset();
    return true;
  }

  /** A DataView of `chunk`, made once per array. */
  #viewOf(chunk: Uint8Array): DataView {
    if (this.#viewed !== chunk) {
      this.#viewed = chunk;
      this.#view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
    return this.#view;
  }

  /** Fills {@link frame} from the whole header at `chunk[at]` (the last frame skipped). */
  #describe(chunk: Uint8Array, at: number): void {
    const frame = this.frame;
    const b0 = chunk[at];
    const b1 = chunk[at + 1];
    frame.opcode = b0 & 0x0f;
    frame.fin = (b0 & FIN) !== 0;
    frame.rsv = b0 & RSV_BITS;
    frame.masked = (b1 & MASK_BIT) !== 0;
    const len7 = b1 & 0x7f;
    frame.length = len7 === 126 ? (chunk[at + 2] << 8) | chunk[at + 3] : len7;
    const key = at + (len7 === 126 ? 4 : 2);
    frame.maskKey = frame.masked
      ? ((chunk[key] << 24) | (chunk[key + 1] << 16) | (chunk[key + 2] << 8) | chunk[key + 3]) >>>
        0
      : 0;
  }

  /** Whether the last #readHeader call completed and accepted a header. */
  #headerJustCompleted(): boolean {
    return this.#state === PAYLOAD;
  }

  /** Fails the stream with `code`; returns false, for the checks that end with it. */
  #fail(code: number, why: string): false {
    this.#state = FAILED;
    this.#failure = code;
    this.error = why;
    return false;
  }

  /** Collects header bytes; on completion validates and enters the payload state. */
  #readHeader(chunk: Uint8Array, at: number, to: number): number {
    const head = this.#head;
    while (at < to && this.#headHave < this.#headNeed) {
      head[this.#headHave++] = chunk[at++];
      if (this.#headHave === 2) {
        const len7 = head[1] & 0x7f;
        this.#headNeed = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) +
          ((head[1] & MASK_BIT) !== 0 ? 4 : 0);
      }
    }
    if (this.#headHave < this.#headNeed) return at;
    this.#headHave = 0;
    this.#headNeed = 2;
    this.#acceptHeader(head);
    return at;
  }

  #acceptHeader(head: Uint8Array): void {
    if (!this.#decodeHeader(head) || !this.#frameAllowed(this.frame)) return;
    this.#remaining = this.frame.length;
    this.#payloadOffset = 0;
    this.#state = PAYLOAD;
    this.#handler.frameStart?.(this.frame);
  }

  /** Fills {@link frame} from a complete header; false (failed) on a 64-bit length with its top bit set. */
  #decodeHeader(head: Uint8Array): boolean {
    const frame = this.frame;
    const b0 = head[0];
    const b1 = head[1];
    const masked = (b1 & MASK_BIT) !== 0;
    const len7 = b1 & 0x7f;
    let i = 2;
    let length = len7;
    if (len7 === 126) {
      length = (head[2] << 8) | head[3];
      i = 4;
    } else if (len7 === 127) {
      const high = ((head[2] << 24) | (head[3] << 16) | (head[4] << 8) | head[5]) >>> 0;
      const low = ((head[6] << 24) | (head[7] << 16) | (head[8] << 8) | head[9]) >>> 0;
      if (high >= 0x8000_0000) {
        this.#fail(CloseCode.protocolError, "64-bit length with the most significant bit set");
        return false;
      }
      length = high * TWO_POW_32 + low;
      if (high > 0x1f_ffff) length = Infinity; // beyond 2^53: too big whatever the limit
      i = 10;
    }
    frame.opcode = b0 & 0x0f;
    frame.fin = (b0 & FIN) !== 0;
    frame.rsv = b0 & RSV_BITS;
    frame.masked = masked;
    frame.maskKey = masked
      ? ((head[i] << 24) | (head[i + 1] << 16) | (head[i + 2] << 8) | head[i + 3]) >>> 0
      : 0;
    frame.length = length;
    return true;
  }

  /** RFC 6455's rules for a frame in its place in the stream; false (failed) when it breaks one. */
  #frameAllowed(frame: FrameInfo): boolean {
    const { opcode, fin, rsv, masked, length } = frame;
    if ((rsv & ~this.#allowedRsv) !== 0) {
      return this.#fail(CloseCode.protocolError, "RSV bits set without a negotiated extension");
    }
    if (this.#expectMasked !== null && masked !== this.#expectMasked) {
      const what = masked ? "masked frame from a server" : "unmasked frame from a client";
      return this.#fail(CloseCode.protocolError, what);
    }
    if (isControlOpcode(opcode)) {
      if (opcode !== Opcode.close && opcode !== Opcode.ping && opcode !== Opcode.pong) {
        return this.#fail(CloseCode.protocolError, `reserved control opcode ${opcode}`);
      }
      if (!fin) return this.#fail(CloseCode.protocolError, "fragmented control frame");
      if (length > MAX_CONTROL_PAYLOAD) {
        return this.#fail(CloseCode.protocolError, "control frame payload over 125 bytes");
      }
      return true;
    }
    if (opcode === Opcode.continuation) {
      if (this.#messageOpcode === -1) {
        return this.#fail(
          CloseCode.protocolError,
          "continuation frame without a message to continue",
        );
      }
      if (this.#messageLength + length > this.#maxLength) {
        return this.#fail(CloseCode.messageTooBig, "message longer than the limit");
      }
      return true;
    }
    if (opcode !== Opcode.text && opcode !== Opcode.binary) {
      return this.#fail(CloseCode.protocolError, `reserved data opcode ${opcode}`);
    }
    if (this.#messageOpcode !== -1) {
      return this.#fail(CloseCode.protocolError, "new data frame inside a fragmented message");
    }
    if (length > this.#maxLength) {
      return this.#fail(CloseCode.messageTooBig, "message longer than the limit");
    }
    this.#messageOpcode = opcode;
    this.#messageLength = 0;
    return true;
  }

  #takePayload(chunk: Uint8Array, from: number, to: number): void {
    const frame = this.frame;
    if (frame.maskKey !== 0) maskInPlace(chunk, from, to, frame.maskKey, this.#payloadOffset);
    if (isControlOpcode(frame.opcode)) {
      const control = this.#control ??= new Uint8Array(MAX_CONTROL_PAYLOAD);
      for (let i = from, o = this.#payloadOffset; i < to; i++, o++) control[o] = chunk[i];
    }
    this.#payloadOffset += to - from;
    const utf8 = this.#utf8;
    if (utf8 !== null && this.#messageOpcode === Opcode.text && !isControlOpcode(frame.opcode)) {
      if (!utf8.push(chunk, from, to)) {
        this.#fail(CloseCode.invalidPayload, "text message is not UTF-8");
        return;
      }
    }
    this.#handler.payload?.(chunk, from, to, frame);
  }

  /** The current frame's payload is complete: report it (may fail on a bad close payload). */
  #endFrame(): void {
    if (this.#failure !== 0) return; // the payload was refused
    const frame = this.frame;
    const handler = this.#handler;
    this.#state = HEADER;
    this.frames++;
    handler.frameEnd?.(frame);
    const opcode = frame.opcode;
    if (!isControlOpcode(opcode)) {
      this.#messageLength += frame.length;
      if (frame.fin && this.#messageOpcode === Opcode.text && !(this.#utf8?.complete ?? true)) {
        this.#fail(CloseCode.invalidPayload, "text message ends inside a UTF-8 character");
        return;
      }
      if (frame.fin) {
        this.#utf8?.reset(); // for the next message
        const messageOpcode = this.#messageOpcode;
        const length = this.#messageLength;
        this.#messageOpcode = -1;
        this.#messageLength = 0;
        this.messages++;
        handler.message?.(messageOpcode, length);
      }
      return;
    }
    const payload = frame.length === 0
      ? EMPTY
      : (this.#control as Uint8Array).subarray(0, frame.length);
    if (opcode === Opcode.ping) {
      handler.ping?.(payload);
    } else if (opcode === Opcode.pong) {
      handler.pong?.(payload);
    } else {
      const close = parseClosePayload(payload);
      if (typeof close === "number") {
        this.#fail(close, "malformed close frame payload");
        return;
      }
      this.closeReceived = true;
      handler.close?.(close.code, close.reason);
    }
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Skips the frames from `at` that repeat the header of the whole one-frame
 * message just skipped (its first two bytes, and its 16-bit length if it
 * has one): `size` bytes each, `length` of them payload, ending by `to`.
 * With `text`, a frame is taken only with a zero masking key (or none) and
 * an ASCII payload, which is valid UTF-8 as it came; the frame that is not
 * stays for the general path. Returns where it stopped.
 *
 * It makes no calls, so the loop compiles to a few loads and compares per
 * frame, and uses only what the general path checked on the first frame.
 * Text longer than ALIKE_TEXT is left to the general path.
 */
function skipAlike(
  view: DataView,
  at: number,
  to: number,
  size: number,
  length: number,
  text: boolean,
): number {
  if (text && length > ALIKE_TEXT) return at;
  const head = view.getUint16(at);
  const len7 = head & 0x7f;
  const keyed = (head & MASK_BIT) !== 0;
  const extended = len7 === 126;
  while (at + size <= to && view.getUint16(at) === head) {
    if (extended && view.getUint16(at + 2) !== length) break;
    if (text) {
      const end = at + size;
      const start = end - length;
      if (keyed && view.getInt32(start - 4) !== 0) break;
      let high = 0;
      if (length >= 4) {
        high = view.getInt32(start) | view.getInt32(end - 4);
        for (let i = start + 4; i < end - 4; i += 4) high |= view.getInt32(i);
      } else {
        for (let i = start; i < end; i++) high |= view.getUint8(i);
      }
      if ((high & 0x80808080) !== 0) break;
    }
    at += size;
  }
  return at;
}
