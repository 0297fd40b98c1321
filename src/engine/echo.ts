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

/**
 * The echo of a plain TCP (or TLS) accepted connection: each read is
 * written back from the read buffer itself, with reads paused until it is
 * out (no copy, no buffer of its own).
 */
export class EchoGate implements StreamGate, TrafficTap {
  /** A plain stream has no opening handshake. */
  readonly established = true;
  #bytes: Uint8Array | null = null;
  #length = 0;

  received(connection: Connection, bytes: Uint8Array, n: number, now: number): void {
    connection.pauseReading();
    this.#bytes = bytes;
    this.#length = n;
    connection.wake(now);
  }

  /** Writes what was read; there are no message writes to let through. */
  pump(connection: Connection): boolean {
    if (this.#length > 0) {
      const view = this.#bytes!.subarray(0, this.#length);
      this.#length = 0;
      connection.writeOutOfBand(view, true).then((ok) => ok && connection.resumeReading());
    }
    return true;
  }

  limitWrite(_buffer: Uint8Array, _from: number, to: number): number {
    return to;
  }

  finish(): Promise<void> {
    return Promise.resolve();
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
