/**
 * One connection's WebSocket session (`--ws`): the opening handshake, the
 * frame parser for what the peer sends, pongs, protocol-error closes and
 * the close handshake at the end of the run. It sits beside the message
 * write pump as the connection's {@link StreamGate} (message frames wait
 * until the handshake is done; control frames go out at frame boundaries)
 * and watches received bytes as the connection's last {@link TrafficTap}
 * (after taps that need the raw bytes, since the parser unmasks in place).
 *
 * Differences from tcpkali 1.2.0, on purpose:
 * - the client's upgrade request is counted as sent but not charged to the
 *   `-r` budget (tcpkali charged it, delaying the first paced message);
 * - the client checks the server's `101` (tcpkali takes any first bytes);
 *   a refusal fails the connection, and so does a handshake (either side)
 *   not complete by its deadline (the connect timeout);
 * - received frames are parsed: pings are answered, malformed frames close
 *   the connection with the RFC 6455 code (the run goes on); the listener
 *   also refuses RSV bits (no extension is negotiated) and text that is not
 *   UTF-8;
 * - kali sends a close frame at the end of the run and waits briefly for
 *   the peer's (tcpkali just closes the socket).
 * As in tcpkali, the listener's `101` is not counted as sent,
 * and neither are close frames.
 *
 * @module
 */
import { buildCloseFrame, CloseCode } from "../transport/websocket_close.ts";
import {
  type FrameHeader,
  isControlOpcode,
  MAX_FRAME_HEADER,
  nextFrameBoundary,
  Opcode,
  renderFrame,
  RSV_BITS,
  writeFrameHeader,
} from "../transport/websocket_frame.ts";
import { type FrameInfo, WebSocketFrameParser } from "../transport/websocket_frame_parser.ts";
import { UpgradeResponseReader } from "../transport/websocket_client_handshake.ts";
import { UpgradeRequestReader } from "../transport/websocket_listener_handshake.ts";
import type { CloseReason, Connection, StreamGate, TrafficTap } from "./connection.ts";
import { EchoBuffer, flushEcho } from "./echo.ts";

/** Session states. */
const AWAIT_RESPONSE = 0;
const AWAIT_REQUEST = 1;
const OPEN = 2;
/** A close frame is queued or sent; message frames stop. */
const CLOSING = 3;
/** Nothing more to do: refused, failed, or closed. */
const DONE = 4;

/** Bytes to write outside the message stream, and what to do once written. */
interface Pending {
  bytes: Uint8Array;
  /** Count as sent (and show to send taps): the client's request, pongs. */
  counted: boolean;
  /** Close the connection once written. */
  thenClose: CloseReason | null;
  pong: boolean;
}

/** What a session needs from its worker. */
export interface SessionHost {
  log(level: number, line: string): void;
  /** The opening handshake completed: message frames may flow. */
  handshakeDone(connection: Connection): void;
  /** The handshake was refused or timed out; the session closes the connection next. */
  handshakeFailed(connection: Connection, timedOut: boolean): void;
  /**
   * Of a read counted as handshake bytes (all reads before the upgrade
   * are), `bytes` were frames after it.
   */
  notHandshake(bytes: number): void;
}

/** Options for {@link WebSocketSession}. */
export interface SessionOptions {
  /** `client` for outgoing connections (frames masked), `server` for accepted ones. */
  side: "client" | "server";
  /** The client's upgrade request, rendered for this connection. */
  request?: Uint8Array;
  /** When (performance.now() ms) the opening handshake must be complete; default never. */
  deadline?: number;
  /** `--listen-mode echo`: send every data frame back as a frame of the same type. */
  echo?: boolean;
}

/** `--listen-mode echo` state: the frames to send back. */
interface FrameEcho {
  buffer: EchoBuffer;
  /** Reused for every echoed frame's header. */
  header: FrameHeader;
  /** Payload bytes of the frame being echoed still to come. */
  open: number;
  /** Whether everything handed to a write so far ends at a frame boundary. */
  writtenToBoundary: boolean;
}

/** The per-connection WebSocket protocol state. */
export class WebSocketSession implements StreamGate, TrafficTap {
  readonly side: "client" | "server";
  /** Complete data messages received. */
  get messagesReceived(): number {
    return this.#parser.messages;
  }

  #host: SessionHost;
  #state: number;
  #pending: Pending[] = [];
  #parser: WebSocketFrameParser;
  #responseReader: UpgradeResponseReader | null = null;
  #requestReader: UpgradeRequestReader | null = null;
  /** The message buffer and offset the last message write ended at. */
  #lastBuffer: Uint8Array | null = null;
  #lastEnd = 0;
  #outOfBand = false;
  /** The run is over: message writes have stopped, possibly inside a frame. */
  #finishing = false;
  #connection: Connection | null = null;
  #peerClosed: (() => void) | null = null;
  #deadline: number;
  #deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  #established = false;
  #echo: FrameEcho | null = null;

  constructor(host: SessionHost, options: SessionOptions) {
    this.#host = host;
    this.side = options.side;
    this.#deadline = options.deadline ?? Infinity;
    if (options.side === "client") {
      this.#state = AWAIT_RESPONSE;
      this.#responseReader = new UpgradeResponseReader();
      this.#pending.push({
        bytes: options.request ?? new Uint8Array(0),
        counted: true,
        thenClose: null,
        pong: false,
      });
    } else {
      this.#state = AWAIT_REQUEST;
      this.#requestReader = new UpgradeRequestReader();
    }
    if (options.echo) {
      this.#echo = {
        buffer: new EchoBuffer(),
        header: { fin: true, rsv: 0, opcode: 0, length: 0, mask: null },
        open: 0,
        writtenToBoundary: true,
      };
    }
    this.#parser = new WebSocketFrameParser({
      ping: (payload) => this.#queuePong(payload),
      close: (code) => this.#peerClose(code),
      frameStart: options.echo ? (frame) => this.#echoFrameStart(frame) : undefined,
      payload: options.echo
        ? (bytes, from, to, frame) => this.#echoPayload(bytes, from, to, frame)
        : undefined,
    }, {
      side: options.side,
      // A kali client reads tcpkali-style peers leniently; the listener
      // holds clients to RFC 6455.
      allowedRsv: options.side === "client" ? RSV_BITS : 0,
      validateUtf8: options.side === "server",
    });
  }

  /** Whether the opening handshake completed (it stays so after the close). */
  get established(): boolean {
    return this.#established;
  }

  /** Whether message frames may flow (the opening handshake is complete). */
  get open(): boolean {
    return this.#state === OPEN;
  }

  // -- StreamGate -----------------------------------------------------------

  pump(connection: Connection, now: number): boolean {
    this.#connection = connection;
    if (this.#state < OPEN && this.#deadlineTimer === undefined) this.#armDeadline(connection, now);
    if (this.#echo !== null) return this.#pumpEcho(connection, this.#echo);
    const pending = this.#pending;
    if (pending.length > 0) {
      if (this.#atFrameBoundary()) {
        this.#writeOutOfBand(connection, pending.shift()!);
        return true;
      }
      if (!this.#finishing) return false; // messages run on to the boundary (limitWrite)
      // Halted inside a frame at the end of the run: complete that frame first.
      const buffer = this.#lastBuffer!;
      const from = this.#lastEnd;
      this.#lastEnd = nextFrameBoundary(buffer, from);
      this.#writeOutOfBand(connection, {
        bytes: buffer.subarray(from, this.#lastEnd),
        counted: false,
        thenClose: null,
        pong: false,
      });
      return true;
    }
    // Message frames wait for the handshake and stop after a close frame.
    return this.#state !== OPEN;
  }

  limitWrite(buffer: Uint8Array, from: number, to: number): number {
    if (this.#pending.length === 0) return to;
    const boundary = nextFrameBoundary(buffer, from);
    return boundary > from && boundary < to ? boundary : to;
  }

  /** The close handshake at the end of the run; resolves when done or after `waitMs`. */
  finish(connection: Connection, waitMs: number): Promise<void> {
    if (!connection.open || this.#state !== OPEN) return Promise.resolve();
    this.#state = CLOSING;
    this.#finishing = true;
    this.#pending = this.#pending.filter((p) => p.pong);
    this.#pending.push({
      bytes: buildCloseFrame({ code: CloseCode.normal, side: this.side }),
      counted: false,
      thenClose: null,
      pong: false,
    });
    return new Promise((resolve) => {
      const timer = setTimeout(done, waitMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#peerClosed = done;
      connection.wake(performance.now());
    });
  }

  // -- TrafficTap -----------------------------------------------------------

  sent(_connection: Connection, bytes: Uint8Array, _from: number, to: number): void {
    if (this.#outOfBand) return;
    this.#lastBuffer = bytes;
    this.#lastEnd = to;
  }

  received(connection: Connection, bytes: Uint8Array, n: number, now: number): void {
    this.#connection = connection;
    let from = 0;
    if (this.#state === AWAIT_RESPONSE) {
      const progress = this.#responseReader!.feed(bytes, 0, n);
      if (progress.kind === "accepted" && progress.consumed < n) {
        this.#host.notHandshake(n - progress.consumed);
      }
      if (progress.kind === "incomplete") return;
      if (progress.kind === "rejected") {
        this.#host.log(1, `WebSocket handshake with ${connection.peer} failed: ${progress.reason}`);
        this.#fail(connection, false);
        return;
      }
      this.#responseReader = null;
      this.#opened(connection);
      from = progress.consumed;
      connection.wake(now);
    } else if (this.#state === AWAIT_REQUEST) {
      const progress = this.#requestReader!.feed(bytes, 0, n);
      if (progress.kind === "upgrade" && progress.consumed < n) {
        this.#host.notHandshake(n - progress.consumed);
      }
      if (progress.kind === "incomplete") return;
      this.#requestReader = null;
      if (progress.kind === "refuse") {
        this.#host.log(
          1,
          `WebSocket handshake from ${connection.peer} refused: ${progress.status} ${progress.reason}`,
        );
        this.#host.handshakeFailed(connection, false);
        this.#state = DONE;
        this.#pending = [{
          bytes: progress.response,
          counted: false,
          thenClose: "failure",
          pong: false,
        }];
        connection.wake(now);
        return;
      }
      // The 101 goes out first and, as in tcpkali, is not counted as sent.
      this.#pending.unshift({
        bytes: progress.response,
        counted: false,
        thenClose: null,
        pong: false,
      });
      this.#opened(connection);
      from = progress.consumed;
      connection.wake(now);
    } else if (this.#state === DONE) {
      return;
    }
    if (from >= n) return;
    const code = this.#parser.push(bytes, from, n);
    if (code !== 0) return this.#protocolError(connection, code);
    const echo = this.#echo;
    if (echo !== null && echo.buffer.size > 0) {
      if (echo.buffer.full) connection.pauseReading();
      connection.wake(now);
    }
  }

  closed(): void {
    this.#state = DONE;
    clearTimeout(this.#deadlineTimer);
    this.#peerClosed?.();
  }

  // -- internals ------------------------------------------------------------

  #opened(connection: Connection): void {
    this.#state = OPEN;
    this.#established = true;
    clearTimeout(this.#deadlineTimer);
    this.#host.handshakeDone(connection);
  }

  #fail(connection: Connection, timedOut: boolean): void {
    this.#host.handshakeFailed(connection, timedOut);
    this.#state = DONE;
    connection.close("failure");
  }

  /** Closes the connection if the handshake is not complete by the deadline. */
  #armDeadline(connection: Connection, now: number): void {
    if (this.#deadline === Infinity) return;
    this.#deadlineTimer = setTimeout(() => {
      if (this.#state >= OPEN || !connection.open) return;
      const way = this.side === "client" ? "with" : "from";
      this.#host.log(1, `WebSocket handshake ${way} ${connection.peer} timed out`);
      this.#fail(connection, true);
    }, Math.max(0, this.#deadline - now));
  }

  #atFrameBoundary(): boolean {
    const buffer = this.#lastBuffer;
    return buffer === null || nextFrameBoundary(buffer, this.#lastEnd) === this.#lastEnd;
  }

  async #writeOutOfBand(connection: Connection, pending: Pending): Promise<void> {
    this.#outOfBand = true;
    const ok = await connection.writeOutOfBand(pending.bytes, pending.counted);
    this.#outOfBand = false;
    if (ok && pending.thenClose !== null) connection.close(pending.thenClose);
    else if (ok) connection.wake(performance.now());
  }

  /**
   * The echo's pump: the control frames (the 101, pongs, the close) go
   * out where the echoed stream is at a frame boundary, else the echo.
   */
  #pumpEcho(connection: Connection, echo: FrameEcho): boolean {
    if (this.#pending.length > 0 && echo.writtenToBoundary) {
      this.#writeOutOfBand(connection, this.#pending.shift()!);
    } else if (
      echo.buffer.size > 0 && (this.#state === OPEN ||
        (this.#state === CLOSING && !echo.writtenToBoundary)) // finish the frame begun
    ) {
      echo.writtenToBoundary = echo.open === 0;
      void flushEcho(connection, echo.buffer);
    }
    return true;
  }

  #echoFrameStart(frame: FrameInfo): void {
    const echo = this.#echo!;
    if (isControlOpcode(frame.opcode) || this.#state !== OPEN) return;
    const header = echo.header;
    header.fin = frame.fin;
    header.rsv = frame.rsv;
    header.opcode = frame.opcode;
    header.length = frame.length;
    const out = echo.buffer.reserve(MAX_FRAME_HEADER);
    echo.buffer.commit(writeFrameHeader(out, echo.buffer.size, header));
    echo.open = frame.length;
  }

  #echoPayload(bytes: Uint8Array, from: number, to: number, frame: FrameInfo): void {
    const echo = this.#echo!;
    if (isControlOpcode(frame.opcode) || echo.open === 0) return;
    echo.buffer.append(bytes, from, to);
    echo.open -= to - from;
  }

  #queuePong(payload: Uint8Array): void {
    if (this.#state !== OPEN) return;
    const bytes = renderFrame({
      opcode: Opcode.pong,
      payload,
      mask: this.side === "client" ? 0 : null,
    });
    // Answering only the latest ping is allowed (RFC 6455 §5.5.3).
    const queued = this.#pending.find((p) => p.pong);
    if (queued) queued.bytes = bytes;
    else this.#pending.push({ bytes, counted: true, thenClose: null, pong: true });
    this.#connection?.wake(performance.now());
  }

  #peerClose(code: number): void {
    const connection = this.#connection!;
    if (this.#state === CLOSING) {
      // The peer closed too: the handshake is complete once ours is out.
      this.#state = DONE;
      this.#peerClosed?.();
      const ours = this.#pending.at(-1);
      if (ours) ours.thenClose = "stop";
      else connection.close("stop");
      return;
    }
    if (this.#state !== OPEN) return;
    this.#host.log(2, `WebSocket close ${code} from ${connection.peer}`);
    this.#state = CLOSING;
    this.#pending = [{
      bytes: buildCloseFrame({
        code: code === CloseCode.noStatus ? undefined : code,
        side: this.side,
      }),
      counted: false,
      thenClose: "failure",
      pong: false,
    }];
    connection.wake(performance.now());
  }

  #protocolError(connection: Connection, code: number): void {
    this.#host.log(
      1,
      `WebSocket protocol error from ${connection.peer}: ${this.#parser.error}; closing with ${code}`,
    );
    this.#state = CLOSING;
    this.#pending = [{
      bytes: buildCloseFrame({ code, reason: this.#parser.error, side: this.side }),
      counted: false,
      thenClose: "failure",
      pong: false,
    }];
    connection.wake(performance.now());
  }
}
