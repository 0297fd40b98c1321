/**
 * A peer with a known capacity, for the `-r @` search: it answers each
 * request (a line ending in `\n`) with `PONG\n` at once while requests
 * arrive below `capacity` per second (all connections together), and
 * queues them above it, answering at `capacity` per second: a token
 * bucket refilled at that rate, holding 10 ms of tokens.
 *
 * @module
 */
import { LoopbackServer } from "./peers.ts";

const ANSWER = new TextEncoder().encode("PONG\n");
const NEWLINE = 0x0a;

/** One connection's answers: owed (queued) and granted (being written). */
interface Client {
  conn: Deno.TcpConn;
  queued: number;
  granted: number;
  writing: boolean;
}

/** A server answering at most `capacity` requests per second. */
export class CapacityServer extends LoopbackServer {
  /** Requests answered so far. */
  answered = 0;
  readonly #capacity: number;
  readonly #burst: number;
  #tokens: number;
  #refilledAt = performance.now();
  /** Requests were left queued at the last grant. */
  #busy = false;
  #clients = new Set<Client>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Many answers back to back, written in one go. */
  #answers = new Uint8Array(ANSWER.length * 4096);

  constructor(capacity: number) {
    super();
    this.#capacity = capacity;
    this.#burst = Math.max(4, capacity / 100);
    this.#tokens = this.#burst;
    for (let i = 0; i < 4096; i++) this.#answers.set(ANSWER, i * ANSWER.length);
  }

  protected async serve(conn: Deno.TcpConn): Promise<void> {
    const client: Client = { conn, queued: 0, granted: 0, writing: false };
    this.#clients.add(client);
    const buffer = new Uint8Array(65536);
    try {
      for (;;) {
        const n = await conn.read(buffer);
        if (n === null) break;
        for (let i = 0; i < n; i++) if (buffer[i] === NEWLINE) client.queued++;
        this.#grant();
      }
    } finally {
      this.#clients.delete(client);
    }
  }

  override close(): void {
    clearTimeout(this.#timer);
    super.close();
  }

  /** Hands out the tokens accrued to queued requests, oldest connection first. */
  #grant(): void {
    const now = performance.now();
    // A busy server works on without a pause: the cap holds only after idling.
    const accrued = this.#tokens + ((now - this.#refilledAt) * this.#capacity) / 1000;
    this.#tokens = this.#busy ? accrued : Math.min(this.#burst, accrued);
    this.#refilledAt = now;
    let waiting = false;
    for (const client of this.#clients) {
      const k = Math.min(client.queued, Math.floor(this.#tokens));
      client.queued -= k;
      client.granted += k;
      this.#tokens -= k;
      if (k > 0) this.#write(client);
      waiting ||= client.queued > 0;
    }
    this.#busy = waiting;
    if (waiting && this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#grant();
      }, 1);
    }
  }

  async #write(client: Client): Promise<void> {
    if (client.writing) return;
    client.writing = true;
    try {
      while (client.granted > 0) {
        const k = Math.min(client.granted, 4096);
        client.granted -= k;
        this.answered += k;
        const bytes = this.#answers.subarray(0, k * ANSWER.length);
        for (let at = 0; at < bytes.length;) at += await client.conn.write(bytes.subarray(at));
      }
    } catch { /* the client went away */ }
    client.writing = false;
  }
}
