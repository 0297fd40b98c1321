/**
 * Loopback peers for the latency tests: an echo server (optionally stalling
 * once), and a redis-server on a free port.
 *
 * @module
 */
import { LoopbackServer } from "./peers.ts";

/** Options for {@link EchoServer}. */
export interface EchoOptions {
  /** Stop echoing for `stallMs` once `stallAfterMs` have passed since the first byte. */
  stallAfterMs?: number;
  stallMs?: number;
}

/** A Deno.listen echo server on 127.0.0.1 that counts the bytes it echoed. */
export class EchoServer extends LoopbackServer {
  echoed = 0;
  #firstByteAt: number | null = null;
  #options: EchoOptions;

  constructor(options: EchoOptions = {}) {
    super();
    this.#options = options;
  }

  protected async serve(conn: Deno.TcpConn): Promise<void> {
    const buffer = new Uint8Array(65536);
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      const now = performance.now();
      this.#firstByteAt ??= now;
      const { stallAfterMs, stallMs } = this.#options;
      if (stallAfterMs !== undefined && stallMs !== undefined) {
        const stallStart = this.#firstByteAt + stallAfterMs;
        if (now >= stallStart && now < stallStart + stallMs) {
          await new Promise((resolve) => setTimeout(resolve, stallStart + stallMs - now));
        }
      }
      let at = 0;
      while (at < n) at += await conn.write(buffer.subarray(at, n));
      this.echoed += n;
    }
  }
}
