/**
 * Small loopback peers for end-to-end tests: a sink that records what each
 * connection sent, and a python peer that resets every connection.
 *
 * @module
 */

/** A listener that keeps every byte each accepted connection sent. */
export class RecordingSink {
  readonly port: number;
  readonly connections: Uint8Array[][] = [];
  #listener: Deno.TcpListener;
  #open = new Set<Deno.TcpConn>();

  constructor() {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.port = (this.#listener.addr as Deno.NetAddr).port;
    this.#accept();
  }

  /** Total bytes received over all connections. */
  get totalBytes(): number {
    return this.connections.flat().reduce((n, chunk) => n + chunk.length, 0);
  }

  /** Bytes of connection `i`, concatenated. */
  bytesOf(i: number): Uint8Array {
    const chunks = this.connections[i];
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  async #accept(): Promise<void> {
    try {
      for await (const conn of this.#listener) {
        const chunks: Uint8Array[] = [];
        this.connections.push(chunks);
        this.#open.add(conn);
        this.#read(conn, chunks);
      }
    } catch { /* closed */ }
  }

  async #read(conn: Deno.TcpConn, chunks: Uint8Array[]): Promise<void> {
    const buffer = new Uint8Array(65536);
    try {
      for (;;) {
        const n = await conn.read(buffer);
        if (n === null) break;
        chunks.push(buffer.slice(0, n));
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

/** Runs a python3 TCP peer from `code` with PORT substituted; returns it once listening. */
export async function pythonPeer(code: string): Promise<{ port: number; stop(): Promise<string> }> {
  const child = new Deno.Command("python3", {
    args: ["-u", "-c", code],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  let text = "";
  while (!/PORT (\d+)\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`python peer exited: ${text}`);
    text += new TextDecoder().decode(value);
  }
  const port = Number(/PORT (\d+)\n/.exec(text)![1]);
  return {
    port,
    async stop() {
      child.kill("SIGTERM");
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      await child.status;
      return text;
    },
  };
}
