/**
 * One open connection, outgoing or accepted: a write state machine paced
 * by a token bucket and woken by the worker's scheduler, and a read loop.
 * Per message it allocates nothing of its own; the runtime's write/read
 * promises are the only per-operation objects.
 *
 * @module
 */
import { formatAddress } from "../shared/address.ts";
import { MSS } from "../shared/tcp.ts";
import { epochMicrosNow } from "../content/marker.ts";
import type { MessageSource } from "../content/types.ts";
import { C } from "../stats/counters.ts";
import { isClosedByUs, strerror } from "../errors.ts";
import { Pacer } from "./pacer.ts";
import { EARLY_WAKE_MS, type Scheduler, type Wakeable } from "./scheduler.ts";

/** Why a connection ended (`timeout`: `--response-timeout-close`; `shed`: a stage lowered `c`). */
export type CloseReason = "failure" | "lifetime" | "stop" | "timeout" | "shed";

/** The worker engine, as a connection sees it. */
export interface ConnectionHost {
  readonly counters: Float64Array;
  readonly scheduler: Scheduler;
  /** One read buffer shared by every connection that only counts bytes. */
  readonly sharedReadBuffer: Uint8Array;
  log(level: number, line: string): void;
  onClosed(connection: Connection, reason: CloseReason): void;
}

/** How a connection sends and receives, fixed for the run. */
export interface TrafficShape {
  /** Messages per second; null: no message pacing. */
  messageRate: number | null;
  /** Bytes per second upstream; null: unlimited. */
  upstreamBandwidth: number | null;
  /** Bytes per second downstream; null: unlimited; 0: never read. */
  downstreamBandwidth: number | null;
  writeCombine: boolean;
  delaySendMs: number;
}

/**
 * A feature that watches a connection's traffic (dumps, latency markers,
 * --message-stop). Taps run synchronously on the hot path: no allocation,
 * no awaiting. A connection with receive taps reads into its own buffer,
 * since the worker's shared buffer may be overwritten by another read.
 */
export interface TrafficTap {
  /** `bytes[0, n)` were just read. */
  received?(connection: Connection, bytes: Uint8Array, n: number, now: number): void;
  /** `bytes[from, to)` were just written. */
  sent?(connection: Connection, bytes: Uint8Array, from: number, to: number, now: number): void;
  /** The connection closed. */
  closed?(connection: Connection): void;
  /** False: `received` looks at `n` only, so the shared read buffer will do. */
  readonly inspectsBytes?: boolean;
}

/**
 * Owns the start and the control traffic of a connection's byte stream (the
 * WebSocket session): it writes before message content (handshake, control
 * frames) and may hold message writes back.
 */
export interface StreamGate {
  /** Called first by the write pump; true: it wrote, or message writes must wait. */
  pump(connection: Connection, now: number): boolean;
  /** The end to use for a message write `[from, to)` of `buffer` (it may cut it short). */
  limitWrite(buffer: Uint8Array, from: number, to: number): number;
  /** Ends the stream politely at the end of the run (close handshake). */
  finish(connection: Connection, waitMs: number): Promise<void>;
  /** Whether the stream's opening handshake completed. */
  readonly established: boolean;
}

/**
 * Holds message writes back while too many messages await their answers
 * (`--closed-loop`). It wakes the connection when an answer frees room.
 */
export interface SendWindow {
  /** Bytes of repeated messages that may be written now (0: wait for an answer). */
  bytesAllowed(): number;
}

/**
 * Private read buffer size for connections whose reads are inspected, to
 * begin with: a read that fills it doubles it, up to MAX_OWN_READ_BYTES, so
 * only busy connections pay for large reads (fewer read calls per byte).
 */
const OWN_READ_BYTES = 16384;
/**
 * A private buffer that a read fills grows, doubling, up to this: a busy
 * marker-scanning reader then makes a quarter of the reads, an idle one
 * keeps its small buffer.
 */
const MAX_OWN_READ_BYTES = 65536;

/** Read size when downstream is limited, as tcpkali's. */
const LIMITED_READ = 16384;

/** Shared by every connection without taps: no per-connection arrays. */
const NO_TAPS: readonly TrafficTap[] = [];

/** An established connection and its traffic. */
export class Connection implements Wakeable {
  readonly tcp: Deno.TcpConn;
  readonly outgoing: boolean;
  open = true;
  lifetimeTimer: ReturnType<typeof setTimeout> | undefined;
  /** The WebSocket session, when `--ws`; null for plain TCP. */
  readonly gate: StreamGate | null;

  #host: ConnectionHost;
  #closeTls: ((conn: Deno.TcpConn) => Promise<void>) | null;
  #source: MessageSource | null;
  #shape: TrafficShape;
  #sendPacer: Pacer | null = null;
  #unit = 1;
  /** Size of one message when paced by messages (-r); 0 otherwise. */
  #messageBytes = 0;
  #sendAfter: number;
  /**
   * The latest time the pump has acted as of: the scheduler may wake it a
   * little before its due time and say so; pacing then goes on from there.
   */
  #asOf = 0;
  #firstOffset = 0;
  #blockOffset = 0;
  #writing = false;
  #writingFirst = false;
  #peer: string | null;
  #taps: readonly TrafficTap[];
  #receiveTaps: readonly TrafficTap[];
  #sendTaps: readonly TrafficTap[];
  #readBuffer: Uint8Array;
  /** A private read buffer that a read fills doubles, up to this size. */
  #maxReadBytes: number;
  #window: SendWindow | null;
  /** When the pacer's wake-up is due (ms); 0 while none is pending. */
  #sleepingUntil = 0;
  /** Reads wait for {@linkcode resumeReading} (an echo's output is full). */
  #readsHeld = false;
  /** A read was due while reads were held. */
  #readParked = false;
  #inFlight: Uint8Array | null = null;
  #inFlightFrom = 0;
  #inFlightTo = 0;
  // Promise callbacks, created on first use: an idle connection never writes.
  #onWritten: ((n: number) => void) | null = null;
  #onWriteError: ((error: unknown) => void) | null = null;
  #onRead: ((n: number | null) => void) | null = null;
  #onReadError: ((error: unknown) => void) | null = null;
  /** Resumes the read chain after a yield to the event loop. */
  #readResumer: Wakeable | null = null;

  constructor(
    host: ConnectionHost,
    tcp: Deno.TcpConn,
    options: {
      outgoing: boolean;
      /** `[address]:port` of the peer; null: formatted from the socket when first needed. */
      peer: string | null;
      source: MessageSource | null;
      shape: TrafficShape;
      taps?: TrafficTap[];
      gate?: StreamGate;
      /** `--closed-loop`: limits message writes to the room for answers. */
      window?: SendWindow;
      /** A busy connection's private read buffer grows to this; default MAX_OWN_READ_BYTES. */
      maxReadBytes?: number;
      /** TLS (`--ssl`): closes with a close_notify alert first (tls.ts `closeTls`). */
      closeTls?: (conn: Deno.TcpConn) => Promise<void>;
    },
  ) {
    this.#host = host;
    this.tcp = tcp;
    this.#closeTls = options.closeTls ?? null;
    this.outgoing = options.outgoing;
    this.#peer = options.peer;
    this.#source = options.source;
    this.#shape = options.shape;
    const taps = options.taps ?? NO_TAPS;
    this.#taps = taps.length > 0 ? taps : NO_TAPS;
    this.gate = options.gate ?? null;
    this.#window = options.window ?? null;
    this.#receiveTaps = tapsWith(taps, "received");
    this.#sendTaps = tapsWith(taps, "sent");
    this.#readBuffer = this.#receiveTaps.some((t) => t.inspectsBytes !== false)
      ? new Uint8Array(OWN_READ_BYTES)
      : host.sharedReadBuffer;
    this.#maxReadBytes = options.maxReadBytes ?? MAX_OWN_READ_BYTES;
    // Pacing starts when the connection is adopted, not when its connect
    // began: a late-adopted connection would otherwise burst its backlog.
    // Ramp-up waits for connects in flight, so none is adopted mid-window.
    const now = performance.now();
    this.#sendAfter = now + options.shape.delaySendMs;
    const source = options.source;
    if (source && source.messageSize > 0) {
      if (options.shape.messageRate !== null) {
        this.#sendPacer = new Pacer(
          options.shape.messageRate * source.messageSize,
          this.#sendAfter,
        );
        this.#unit = Math.min(source.messageSize, MSS);
        this.#messageBytes = source.messageSize;
      } else if (options.shape.upstreamBandwidth !== null) {
        this.#sendPacer = new Pacer(options.shape.upstreamBandwidth, this.#sendAfter);
      }
    }
  }

  /** `[address]:port` of the peer, for log lines. */
  get peer(): string {
    if (this.#peer === null) {
      const remote = this.tcp.remoteAddr as Deno.NetAddr;
      this.#peer = formatAddress(remote.hostname, remote.port);
    }
    return this.#peer;
  }

  /** Starts reading and writing. */
  start(): void {
    const downstream = this.#shape.downstreamBandwidth;
    if (downstream === null) this.#readNext();
    else if (downstream !== 0) this.#readLoop();
    this.wake(performance.now());
  }

  /**
   * When the message pacer meant the byte `offset` bytes into the write now
   * completing to go out (performance.now() ms): the moment its message
   * became due. NaN when messages are not paced. For send taps.
   */
  intendedSendTime(offset: number): number {
    const pacer = this.#sendPacer;
    if (pacer === null || this.#messageBytes === 0) return NaN;
    return pacer.t0 + ((offset + this.#unit) * 1000) / pacer.rate;
  }

  /**
   * Changes the message rate of a message-paced connection (`-r @`,
   * `--stage`), keeping what is owed unless `afresh`; a connection asleep
   * past its new due time is woken now.
   */
  setMessageRate(perSecond: number, now: number, afresh = false): void {
    const pacer = this.#sendPacer;
    if (pacer === null || this.#messageBytes === 0) return;
    const rate = perSecond * this.#messageBytes;
    pacer.t0 = afresh || now < this.#sendAfter
      ? Math.max(now, this.#sendAfter)
      : now - ((now - pacer.t0) * pacer.rate) / rate;
    pacer.rate = rate;
    if (this.#sleepingUntil > now + pacer.delayUntil(this.#unit, now) + 1) this.wake(now);
  }

  /**
   * The next reads go into `buffer` (`--listen-mode echo`: the buffer just
   * read is being written back). Only for connections with a private buffer.
   */
  readInto(buffer: Uint8Array): void {
    this.#readBuffer = buffer;
  }

  /** Reads wait until {@linkcode resumeReading} (backpressure of `--listen-mode echo`). */
  pauseReading(): void {
    this.#readsHeld = true;
  }

  /** Lets reads go on after {@linkcode pauseReading}. */
  resumeReading(): void {
    this.#readsHeld = false;
    if (!this.#readParked) return;
    this.#readParked = false;
    if (this.open) this.#readNext();
  }

  /** Stops writing for good; the socket stays open until close(). */
  halt(): void {
    this.#source = null;
  }

  /**
   * Closes the connection; idempotent. A TLS connection sends close_notify
   * first and closes its socket once that went out, TLS_CLOSE_MS at most
   * (the engine waits for that at the end of the run: `tlsClosesSettled`);
   * it counts as closed at once either way.
   */
  close(reason: CloseReason): void {
    if (!this.open) return;
    this.open = false;
    if (this.lifetimeTimer !== undefined) clearTimeout(this.lifetimeTimer);
    if (this.#closeTls !== null) {
      void this.#closeTls(this.tcp);
    } else {
      try {
        this.tcp.close();
      } catch { /* already closed by the runtime */ }
    }
    for (const tap of this.#taps) tap.closed?.(this);
    this.#host.onClosed(this, reason);
  }

  /** Scheduler callback and write pump: writes what is due, or sleeps. */
  wake(now: number): void {
    if (!this.open || this.#writing) return;
    if (now < this.#asOf) now = this.#asOf;
    else this.#asOf = now;
    this.#sleepingUntil = 0;
    // --delay-send holds the WebSocket upgrade request too, not a listener's 101.
    const held = this.#source !== null || (this.outgoing && this.gate !== null);
    // The scheduler wakes up to EARLY_WAKE_MS early; treat that as due, or we would spin.
    if (held && now + EARLY_WAKE_MS < this.#sendAfter) {
      this.#host.scheduler.schedule(this, this.#sendAfter);
      return;
    }
    if (this.gate !== null && this.gate.pump(this, now)) return;
    if (!this.#source) return;
    const source = this.#source;
    if (this.#firstOffset < source.first.length) {
      this.#write(source.first, this.#firstOffset, source.first.length, true);
      return;
    }
    const block = source.block;
    if (block.length === 0) return;
    let length = block.length - this.#blockOffset;
    const pacer = this.#sendPacer;
    if (pacer) {
      const allowed = pacer.allowance(now);
      if (allowed < this.#unit) {
        const wait = pacer.delayUntil(this.#unit, now);
        this.#sleepingUntil = now + (wait < 1 ? 1 : wait);
        this.#host.scheduler.schedule(this, this.#sleepingUntil);
        return;
      }
      const move = this.#shape.writeCombine ? allowed - (allowed % this.#unit) : this.#unit;
      if (move < length) length = move;
    } else if (!this.#shape.writeCombine && length > MSS) {
      length = MSS;
    }
    if (this.#window !== null) {
      const room = this.#window.bytesAllowed();
      if (room <= 0) return; // an answer wakes the connection
      if (room < length) length = room;
    }
    this.#write(block, this.#blockOffset, this.#blockOffset + length, false);
  }

  #write(buffer: Uint8Array, from: number, to: number, first: boolean): void {
    if (this.gate !== null) to = this.gate.limitWrite(buffer, from, to);
    this.#writing = true;
    this.#writingFirst = first;
    this.#source!.stamp?.(buffer, from, to, epochMicrosNow());
    this.#inFlight = buffer;
    this.#inFlightFrom = from;
    this.#inFlightTo = to;
    const view = from === 0 && to === buffer.length ? buffer : buffer.subarray(from, to);
    this.tcp.write(view).then(
      this.#onWritten ??= (n) => this.#written(n),
      this.#onWriteError ??= (error) => this.#writeFailed(error),
    );
  }

  #written(n: number): void {
    this.#writing = false;
    const counters = this.#host.counters;
    counters[C.bytesSent] += n;
    counters[C.writes]++;
    if (this.#sendTaps.length > 0) {
      const at = performance.now();
      for (const tap of this.#sendTaps) {
        tap.sent!(this, this.#inFlight!, this.#inFlightFrom, this.#inFlightFrom + n, at);
      }
    }
    const source = this.#source;
    if (!source) return this.wake(performance.now()); // halted while the write was in flight
    let now = performance.now();
    if (this.#writingFirst) {
      this.#firstOffset += n; // first messages are not charged to the pacer
    } else {
      // Message starts in [offset, offset + n) of the block of whole messages.
      const size = source.messageSize;
      const offset = this.#blockOffset;
      counters[C.messagesWritten] += Math.ceil((offset + n) / size) - Math.ceil(offset / size);
      this.#blockOffset = offset + n;
      this.#sendPacer?.consume(n, now);
      if (this.#blockOffset >= source.block.length) {
        this.#blockOffset = 0;
        source.refill();
      }
      // As tcpkali, whose write returns at once: what is owed after a whole
      // paced write is judged as of when it was issued, so messages that
      // fell due while it completed wait for the next tick, not a write of their own.
      if (this.#sendPacer !== null && this.#inFlightFrom + n === this.#inFlightTo) now = this.#asOf;
    }
    // A write to a fast peer completes at once: let the event loop turn now and then.
    if (this.#host.scheduler.passes(this, now)) this.wake(now);
  }

  /**
   * Writes all of `bytes` outside the message stream (WebSocket handshake
   * and control frames), not charged to the pacer; `counted`: add them to
   * the bytes sent and show them to send taps. Resolves false when the write
   * failed or another write was in flight. The caller wakes the pump after.
   */
  async writeOutOfBand(bytes: Uint8Array, counted: boolean): Promise<boolean> {
    if (!this.open || this.#writing) return false;
    this.#writing = true;
    try {
      for (let at = 0; at < bytes.length;) {
        const n = await this.tcp.write(at === 0 ? bytes : bytes.subarray(at));
        if (counted) {
          const counters = this.#host.counters;
          counters[C.bytesSent] += n;
          // Before the upgrade the one counted write is the request.
          if (this.gate !== null && !this.gate.established) counters[C.handshakeSent] += n;
          counters[C.writes]++;
          const now = performance.now();
          for (const tap of this.#sendTaps) tap.sent!(this, bytes, at, at + n, now);
        }
        at += n;
      }
    } catch (error) {
      this.#writeFailed(error);
      return false;
    }
    this.#writing = false;
    return this.open;
  }

  #writeFailed(error: unknown): void {
    this.#writing = false;
    if (!this.open || isClosedByUs(error)) return;
    this.#host.log(1, `Connection reset by ${this.peer}`);
    this.close("failure");
  }

  /**
   * The unlimited read path: one pending read at a time, driven by promise
   * callbacks rather than an async loop (no generator per connection).
   */
  #readNext(): void {
    this.tcp.read(this.#readBuffer).then(
      this.#onRead ??= (n) => this.#read(n),
      this.#onReadError ??= (error) => this.#readFailed(error),
    );
  }

  #read(n: number | null): void {
    if (n === null) return this.#ended();
    const now = performance.now();
    const buffer = this.#readBuffer;
    try {
      this.#delivered(buffer, n, now);
    } catch (error) {
      return this.#readFailed(error);
    }
    if (!this.open) return;
    const max = this.#maxReadBytes;
    if (n === buffer.length && n < max && buffer !== this.#host.sharedReadBuffer) {
      this.#readBuffer = new Uint8Array(Math.min(2 * n, max));
    }
    if (this.#readsHeld) {
      this.#readParked = true;
      return;
    }
    const resumer = this.#readResumer ??= {
      wake: () => {
        if (this.open) this.#readNext();
      },
    };
    if (this.#host.scheduler.passes(resumer, now)) this.#readNext();
  }

  /** Counts `n` bytes read into `buffer` and shows them to the receive taps. */
  #delivered(buffer: Uint8Array, n: number, now: number): void {
    const counters = this.#host.counters;
    counters[C.bytesReceived] += n;
    // Counted with the bytes, so that a snapshot sees both or neither; the
    // session gives back what followed the handshake in the same read.
    if (this.gate !== null && !this.gate.established) counters[C.handshakeReceived] += n;
    counters[C.reads]++;
    const taps = this.#receiveTaps;
    for (let i = 0; i < taps.length && this.open; i++) taps[i].received!(this, buffer, n, now);
  }

  /** The peer closed its side: tcpkali counts that as a failure. */
  #ended(): void {
    if (!this.open) return;
    this.#host.log(2, `Connection half-closed by ${this.peer}`);
    this.close("failure");
  }

  #readFailed(error: unknown): void {
    if (!this.open || isClosedByUs(error)) return;
    this.#host.log(1, `Closing ${this.peer}: ${strerror(error)}`);
    this.close("failure");
  }

  /** The read loop when downstream bandwidth is limited (--channel-bandwidth-downstream). */
  async #readLoop(): Promise<void> {
    const pacer = new Pacer(this.#shape.downstreamBandwidth!, performance.now());
    try {
      while (this.open) {
        while (this.#readsHeld && this.open) await new Promise((r) => setTimeout(r, 1));
        const buffer = await this.#limitedView(pacer);
        const n = await this.tcp.read(buffer);
        if (n === null) return this.#ended();
        const now = performance.now();
        this.#delivered(buffer, n, now);
        pacer.consume(n, now);
      }
    } catch (error) {
      this.#readFailed(error);
    }
  }

  /** A read view sized to the downstream allowance, waiting for one MSS if none. */
  async #limitedView(pacer: Pacer): Promise<Uint8Array> {
    const shared = this.#readBuffer;
    for (;;) {
      const now = performance.now();
      const allowed = pacer.allowance(now);
      if (allowed >= LIMITED_READ) return shared.subarray(0, LIMITED_READ);
      if (allowed >= 1) return shared.subarray(0, Math.max(allowed, MSS));
      const wait = Math.max(1, pacer.delayUntil(MSS, now));
      await new Promise((resolve) => setTimeout(resolve, wait));
      if (!this.open) return shared;
    }
  }
}

/** The taps of `taps` that implement `hook`; the shared empty array if none. */
function tapsWith(
  taps: readonly TrafficTap[],
  hook: "received" | "sent",
): readonly TrafficTap[] {
  if (taps.length === 0) return NO_TAPS;
  const found = taps.filter((tap) => tap[hook]);
  return found.length > 0 ? found : NO_TAPS;
}
