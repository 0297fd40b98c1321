/**
 * Small loopback peers for end-to-end tests: the Deno server they share, a
 * sink that records what each connection sent, a python peer that resets
 * every connection, and redis-server.
 *
 * @module
 */
import { concatBytes } from "../../src/content/buffers.ts";
import { freePort } from "./kali.ts";

/**
 * A Deno.listen server on a free 127.0.0.1 port that hands each accepted
 * connection to {@link LoopbackServer.serve}, closes it once `serve` ends
 * (a reset or close ends it too), and closes every open one with itself.
 */
export abstract class LoopbackServer {
  readonly port: number;
  #listener: Deno.TcpListener;
  #open = new Set<Deno.TcpConn>();

  constructor() {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.port = (this.#listener.addr as Deno.NetAddr).port;
    this.#accept();
  }

  /** Serves one accepted connection until its peer is done with it. */
  protected abstract serve(conn: Deno.TcpConn): Promise<void>;

  async #accept(): Promise<void> {
    try {
      for await (const conn of this.#listener) {
        this.#open.add(conn);
        this.#serve(conn);
      }
    } catch { /* closed */ }
  }

  async #serve(conn: Deno.TcpConn): Promise<void> {
    try {
      await this.serve(conn);
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

/** A listener that keeps every byte each accepted connection sent. */
export class RecordingSink extends LoopbackServer {
  readonly connections: Uint8Array[][] = [];

  /** Total bytes received over all connections. */
  get totalBytes(): number {
    return this.connections.flat().reduce((n, chunk) => n + chunk.length, 0);
  }

  /** Bytes of connection `i`, concatenated. */
  bytesOf(i: number): Uint8Array {
    return concatBytes(this.connections[i]);
  }

  protected async serve(conn: Deno.TcpConn): Promise<void> {
    const chunks: Uint8Array[] = [];
    this.connections.push(chunks); // at accept, so that connections keep accept order
    const buffer = new Uint8Array(65536);
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      chunks.push(buffer.slice(0, n));
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

/** Starts redis-server (installed by scripts/install_peers.sh) on a free loopback port. */
export async function startRedis(): Promise<{ port: number; stop(): Promise<void> }> {
  const port = freePort();
  const child = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (let attempt = 0;; attempt++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      break;
    } catch (error) {
      if (attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    port,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}
