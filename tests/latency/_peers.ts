/**
 * Loopback peers for the latency tests: an echo server (optionally stalling
 * once), and a redis-server on a free port.
 *
 * @module
 */

/** Options for {@link EchoServer}. */
export interface EchoOptions {
  /** Stop echoing for `stallMs` once `stallAfterMs` have passed since the first byte. */
  stallAfterMs?: number;
  stallMs?: number;
}

/** A Deno.listen echo server on 127.0.0.1 that counts the bytes it echoed. */
export class EchoServer {
  readonly port: number;
  echoed = 0;
  #listener: Deno.TcpListener;
  #open = new Set<Deno.TcpConn>();
  #firstByteAt: number | null = null;
  #options: EchoOptions;

  constructor(options: EchoOptions = {}) {
    this.#options = options;
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.port = (this.#listener.addr as Deno.NetAddr).port;
    this.#accept();
  }

  async #accept(): Promise<void> {
    try {
      for await (const conn of this.#listener) {
        this.#open.add(conn);
        this.#echo(conn);
      }
    } catch { /* closed */ }
  }

  async #echo(conn: Deno.TcpConn): Promise<void> {
    const buffer = new Uint8Array(65536);
    try {
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
    } catch { /* reset or closed */ }
    this.#open.delete(conn);
    try {
      conn.close();
    } catch { /* closed */ }
  }

  /** Stops accepting and closes every connection. */
  close(): void {
    this.#listener.close();
    for (const conn of this.#open) {
      try {
        conn.close();
      } catch { /* closed */ }
    }
  }
}
