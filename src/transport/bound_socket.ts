/**
 * Outgoing TCP connections bound to a local address (`--source-ip`,
 * detected interface aliases). `Deno.connect` cannot bind, so these go
 * through `node:net` with `localAddress`, wrapped in the part of the
 * `Deno.TcpConn` interface the engine uses (read into a caller's buffer,
 * write, closeWrite, close, socket options, addresses). Only used when a
 * source address is asked for; everything else stays on the faster native
 * path.
 *
 * @module
 */
import { fromNodeSocketError } from "../errors.ts";
import { connect as netConnect, type Socket } from "node:net";
import { Buffer } from "node:buffer";

/** The part of `Deno.TcpConn` that connections use. */
export type ByteConn = Pick<
  Deno.TcpConn,
  | "read"
  | "write"
  | "closeWrite"
  | "close"
  | "setNoDelay"
  | "setKeepAlive"
  | "localAddr"
  | "remoteAddr"
>;

/** Stop reading from the kernel while this much is queued unread. */
const HIGH_WATER = 256 * 1024;

/** A node:net socket seen as a pull-style `Deno.TcpConn`. */
export class BoundConn implements ByteConn {
  readonly #socket: Socket;
  readonly #queue: Uint8Array[] = [];
  #queued = 0;
  #ended = false;
  #error: unknown = null;
  #waiter: (() => void) | null = null;
  readonly localAddr: Deno.NetAddr;
  readonly remoteAddr: Deno.NetAddr;

  constructor(socket: Socket) {
    this.#socket = socket;
    this.localAddr = {
      transport: "tcp",
      hostname: socket.localAddress ?? "",
      port: socket.localPort ?? 0,
    };
    this.remoteAddr = {
      transport: "tcp",
      hostname: socket.remoteAddress ?? "",
      port: socket.remotePort ?? 0,
    };
    socket.on("data", (chunk: Buffer) => {
      this.#queue.push(chunk);
      this.#queued += chunk.length;
      if (this.#queued >= HIGH_WATER) socket.pause();
      this.#wake();
    });
    socket.on("end", () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on("close", () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on("error", (error: Error) => {
      this.#error = translate(error);
      this.#wake();
    });
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.();
  }

  /** Reads into `buffer`; null at end of stream. */
  async read(buffer: Uint8Array): Promise<number | null> {
    while (this.#queue.length === 0) {
      if (this.#error !== null) throw this.#error;
      if (this.#ended) return null;
      await new Promise<void>((resolve) => this.#waiter = resolve);
    }
    let n = 0;
    while (n < buffer.length && this.#queue.length > 0) {
      const head = this.#queue[0];
      const take = Math.min(head.length, buffer.length - n);
      buffer.set(take === head.length ? head : head.subarray(0, take), n);
      n += take;
      if (take === head.length) this.#queue.shift();
      else this.#queue[0] = head.subarray(take);
    }
    this.#queued -= n;
    if (this.#queued < HIGH_WATER && this.#socket.isPaused()) this.#socket.resume();
    return n;
  }

  /** Writes all of `bytes`; resolves when the socket has taken them. */
  write(bytes: Uint8Array): Promise<number> {
    if (this.#error !== null) return Promise.reject(this.#error);
    if (this.#socket.destroyed) return Promise.reject(new Deno.errors.BadResource("closed"));
    return new Promise((resolve, reject) => {
      const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.#socket.write(view, (error?: Error | null) => {
        if (error) reject(translate(error));
        else resolve(bytes.length);
      });
    });
  }

  /**
   * Ends the writing side, as `Deno.TcpConn.closeWrite`: a FIN, or for a TLS
   * socket a close_notify alert first. Resolves once that went out; rejects
   * (translated) when it cannot; may never settle if the socket is destroyed
   * before, so callers bound the wait (see `closeTls` in src/transport/tls.ts).
   */
  closeWrite(): Promise<void> {
    const socket = this.#socket;
    if (socket.destroyed) return Promise.reject(new Deno.errors.BadResource("closed"));
    return new Promise((resolve, reject) => {
      socket.end((error?: Error | null) => {
        if (error) reject(translate(error));
        else resolve();
      });
    });
  }

  close(): void {
    this.#ended = true;
    this.#socket.destroy();
    this.#wake();
  }

  setNoDelay(noDelay = true): void {
    this.#socket.setNoDelay(noDelay);
  }

  setKeepAlive(keepAlive = true): void {
    this.#socket.setKeepAlive(keepAlive);
  }
}

/** Maps node's error codes to the Deno error classes `strerror` knows. */
function translate(error: Error): Error {
  return fromNodeSocketError(error) ?? error;
}

/** Where and from where to connect. */
export interface BoundConnectOptions {
  hostname: string;
  port: number;
  /** Local address to bind (port 0). */
  localAddress: string;
  signal?: AbortSignal;
}

/**
 * Settles a connecting node socket as `Deno.connect` would: resolves on
 * `readyEvent`, rejects on an error (translated) or when `signal` aborts.
 */
export function settleConnect(
  socket: Socket,
  readyEvent: "connect" | "secureConnect",
  options: { signal?: AbortSignal; translate: (error: Error) => Error },
): Promise<BoundConn> {
  return new Promise((resolve, reject) => {
    const signal = options.signal;
    const onAbort = () => {
      socket.destroy();
      reject(signal?.reason ?? new DOMException("aborted", "AbortError"));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const onError = (error: Error) => {
      signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      reject(options.translate(error));
    };
    socket.once("error", onError);
    socket.once(readyEvent, () => {
      signal?.removeEventListener("abort", onAbort);
      socket.off("error", onError);
      resolve(new BoundConn(socket));
    });
  });
}

/** Connects from `localAddress`; rejects like `Deno.connect` does. */
export function connectBound(options: BoundConnectOptions): Promise<BoundConn> {
  const socket = netConnect({
    host: options.hostname,
    port: options.port,
    localAddress: options.localAddress,
  });
  return settleConnect(socket, "connect", { signal: options.signal, translate });
}
