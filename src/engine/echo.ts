/**
 * `--listen-mode echo` (kali): accepted connections send back every byte
 * they receive. Plain TCP (and TLS) writes each read back from the read
 * buffer itself, reading on once it is out; with `--ws` every data frame
 * goes back as a frame of the same type, re-framed into an
 * {@linkcode EchoBuffer} that is written while the next reads fill its
 * twin. Either way reads pause while the echo waits, so a peer that does
 * not read its echo cannot grow kali's memory.
 *
 * @module
 */
import type { Connection, StreamGate, TrafficTap } from "./connection.ts";

/** Bytes one echo buffer holds (two per echoing WebSocket connection, made on first use). */
const ECHO_BUFFER_BYTES = 131072;
/** Reads pause once less than this is free: room for one whole read (they grow to 64 KiB). */
const READ_ROOM = 65536;

/** Two buffers: one being written, one filling (the `--ws` echo's frames). */
export class EchoBuffer {
  #filling: Uint8Array | null = null;
  #writing: Uint8Array | null = null;
  /** Bytes waiting in the filling buffer. */
  size = 0;

  /** Whether reads should pause until the waiting bytes are taken. */
  get full(): boolean {
    return this.size > ECHO_BUFFER_BYTES - READ_ROOM;
  }

  /**
   * Room for `n` more bytes: the buffer to write them into; they go at
   * {@linkcode size}, and count once {@linkcode commit}ted.
   */
  reserve(n: number): Uint8Array {
    let buffer = this.#filling ??= new Uint8Array(ECHO_BUFFER_BYTES);
    if (this.size + n > buffer.length) {
      // Only a read larger than READ_ROOM gets here; bounded by the read size.
      const grown = new Uint8Array(Math.max(2 * buffer.length, this.size + n));
      grown.set(buffer.subarray(0, this.size));
      buffer = this.#filling = grown;
    }
    return buffer;
  }

  /** Counts `n` bytes written at {@linkcode size} of the reserved buffer. */
  commit(n: number): void {
    this.size += n;
  }

  /** Appends `bytes[from, to)`. */
  append(bytes: Uint8Array, from: number, to: number): void {
    const n = to - from;
    this.reserve(n).set(
      from === 0 && to === bytes.length ? bytes : bytes.subarray(from, to),
      this.size,
    );
    this.size += n;
  }

  /**
   * The waiting bytes, to be written now; the buffers swap, so the view
   * stays valid until the next take (call it only once that write is done).
   */
  take(): Uint8Array {
    const full = this.#filling!;
    const n = this.size;
    this.#filling = this.#writing;
    this.#writing = full;
    this.size = 0;
    return n === full.length ? full : full.subarray(0, n);
  }
}

/** Read buffers start at this size (the connection's own) and double while reads fill them. */
const FIRST_READ_BYTES = 16384;
/**
 * Largest echo read buffer: one connection of 1 KiB messages echoed 7.9
 * Gbit/s each way with 64 KiB reads, 14.5 with 1 MiB.
 */
const MAX_READ_BYTES = 1048576;

/**
 * What echoing connections' read buffers may grow by in total (one per
 * worker): clients flooding an echo listener cannot take more memory.
 */
export class EchoBudget {
  #left: number;

  constructor(bytes: number) {
    this.#left = bytes;
  }

  /** Takes `bytes` from the budget; false (taking nothing) when it has not that much. */
  take(bytes: number): boolean {
    if (bytes > this.#left) return false;
    this.#left -= bytes;
    return true;
  }

  /** Gives `bytes` back. */
  give(bytes: number): void {
    this.#left += bytes;
  }
}

/**
 * The echo of a plain TCP (or TLS) accepted connection: each read is
 * written back from the buffer it was read into while the next read fills
 * a second buffer; a read that completes before that write is out waits,
 * with reads paused. No copy, two buffers at most; they double while reads
 * fill them, within the worker's {@linkcode EchoBudget} (without budget
 * for a second buffer, reads and writes simply take turns).
 */
export class EchoGate implements StreamGate, TrafficTap {
  /** A plain stream has no opening handshake. */
  readonly established = true;
  readonly #budget: EchoBudget;
  /** The buffer read into and not yet written back, and how much it holds. */
  #pending: Uint8Array | null = null;
  #pendingLength = 0;
  /** The buffer being written back; null when no write is out. */
  #writing: Uint8Array | null = null;
  /** The buffer free for a read; null when none is. */
  #free: Uint8Array | null = null;
  /** Reads wait: the connection's read buffer holds data not yet written back. */
  #paused = false;
  /** Bytes taken from the budget. */
  #taken = 0;
  #connection: Connection | null = null;
  readonly #written = (ok: boolean) => this.#afterWrite(ok);

  constructor(budget: EchoBudget) {
    this.#budget = budget;
  }

  received(connection: Connection, bytes: Uint8Array, n: number, now: number): void {
    this.#connection = connection;
    this.#pending = bytes;
    this.#pendingLength = n;
    if (this.#writing !== null || !this.#readOn(connection, bytes, n === bytes.length)) {
      this.#paused = true;
      connection.pauseReading();
    }
    connection.wake(now);
  }

  /** Writes back what was read; there are no message writes to let through. */
  pump(connection: Connection): boolean {
    const buffer = this.#pending;
    if (buffer === null || this.#writing !== null) return true;
    const n = this.#pendingLength;
    this.#pending = null;
    this.#writing = buffer;
    const view = n === buffer.length ? buffer : buffer.subarray(0, n);
    connection.writeOutOfBand(view, true).then(this.#written);
    return true;
  }

  limitWrite(_buffer: Uint8Array, _from: number, to: number): number {
    return to;
  }

  finish(): Promise<void> {
    return Promise.resolve();
  }

  closed(): void {
    this.#budget.give(this.#taken);
    this.#taken = 0;
  }

  #afterWrite(ok: boolean): void {
    const connection = this.#connection!;
    const written = this.#writing!;
    this.#writing = null;
    if (!ok) return;
    const waiting = this.#pending;
    if (!this.#paused) {
      this.#free = written;
    } else if (waiting === null) {
      // Reads took turns with writes: the connection reads into this buffer again.
      this.#paused = false;
      connection.resumeReading();
    } else {
      // A read waited: read on into the buffer just written while that one goes out.
      this.#free = written;
      if (this.#readOn(connection, waiting, this.#pendingLength === waiting.length)) {
        this.#paused = false;
        connection.resumeReading();
      }
    }
    connection.wake(performance.now());
  }

  /** Points the connection's next read at another buffer than `current`; false if none. */
  #readOn(connection: Connection, current: Uint8Array, full: boolean): boolean {
    const other = this.#otherBuffer(current, full);
    if (other === null) return false;
    connection.readInto(other);
    return true;
  }

  /** The buffer for the next read: the free one, or a new one, doubled while reads fill them. */
  #otherBuffer(current: Uint8Array, full: boolean): Uint8Array | null {
    const free = this.#free;
    this.#free = null;
    const wanted = full && current.length < MAX_READ_BYTES ? 2 * current.length : current.length;
    if (free !== null && free.length >= wanted) return free;
    const made = this.#allocate(wanted) ?? (free === null ? this.#allocate(current.length) : null);
    if (made === null) return free;
    if (free !== null) this.#release(free);
    return made;
  }

  /** A new buffer; what it takes beyond a connection's own read buffer comes from the budget. */
  #allocate(size: number): Uint8Array | null {
    const cost = size - FIRST_READ_BYTES;
    if (cost > 0) {
      if (!this.#budget.take(cost)) return null;
      this.#taken += cost;
    }
    return new Uint8Array(size);
  }

  #release(buffer: Uint8Array): void {
    const cost = buffer.length - FIRST_READ_BYTES;
    if (cost <= 0) return;
    this.#budget.give(cost);
    this.#taken -= cost;
  }
}

/**
 * Writes the waiting echo bytes (counted as sent), lets reads go on, and
 * pumps again once written. Call only when the connection is not writing.
 */
export async function flushEcho(connection: Connection, buffer: EchoBuffer): Promise<void> {
  const bytes = buffer.take();
  connection.resumeReading();
  if (await connection.writeOutOfBand(bytes, true)) connection.wake(performance.now());
}
