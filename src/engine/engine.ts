/**
 * A worker's engine: binds its listeners, opens and re-opens its share of
 * outgoing connections at its share of the connect rate, and keeps the
 * counters the main thread reports from.
 *
 * @module
 */
import { formatAddress } from "../shared/address.ts";
import { shardUid } from "../shared/shard.ts";
import { EXIT, outOfFilesError, strerror, UsageError } from "../errors.ts";
import { type ContentFactory, contentFactory } from "../content/template.ts";
import type { Destination, RunPlan } from "../plan.ts";
import { C } from "../stats/counters.ts";
import {
  type CloseReason,
  Connection,
  type ConnectionHost,
  type TrafficShape,
  type TrafficTap,
} from "./connection.ts";
import { ConnectDeadlines } from "./connect_deadlines.ts";
import type { EngineModules } from "./engine_modules.ts";
import { EchoBudget, EchoGate } from "./echo.ts";
import { OutputTaps } from "./output_taps.ts";
import { TrafficDumper } from "./dump.ts";
import { WorkerLatency, workerLatencyBlock } from "./latency_recorder.ts";
import { Pacer } from "./pacer.ts";
import { Scheduler } from "./scheduler.ts";
import type { WebSocketSession } from "./websocket_session.ts";
import type { WorkerSlice } from "./worker_protocol.ts";

/** Size of the read buffer shared by byte-counting connections. */
const SHARED_READ_BYTES = 65536;
/**
 * Block size for constant content (one buffer per worker and side): fewer,
 * larger writes for unlimited senders (on loopback 1 MiB writes move about
 * 1.5× what 256 KiB writes do). Write sizes show only in dumps, so
 * tcpkali's 65535-byte blocks are kept while a dump is active.
 */
const CONSTANT_BLOCK_BYTES = 1048576;
/** Sockets closed per turn of the event loop at the end of a run (see `close`). */
const CLOSE_BATCH = 256;
/**
 * How long the close phase waits for WebSocket peers to answer a close
 * frame: enough on a LAN, and short, so that a peer that never answers
 * keeps the run within 0.2 s of its -T.
 */
const CLOSE_HANDSHAKE_MS = 50;
/**
 * How much unused connect allowance (in milliseconds of the connect rate)
 * carries over between connect ticks, which Deno fires every 1-3 ms.
 */
const CONNECT_BANK_MS = 5;
/** What echo buffers may grow by in total, per worker: a bound on clients flooding an echo. */
const ECHO_BUDGET_BYTES = 64 * 1048576;
/** A destination is skipped after this many attempts that all failed. */
const BROKEN_AFTER = 10;

interface DestinationHealth {
  attempts: number;
  successes: number;
}

/** The per-worker engine. */
export class Engine implements ConnectionHost {
  /** Lives in shared memory: the main thread reads it directly at the end. */
  readonly counters: Float64Array;
  readonly scheduler: Scheduler;
  readonly sharedReadBuffer: Uint8Array = new Uint8Array(SHARED_READ_BYTES);

  #slice: WorkerSlice;
  #plan: RunPlan;
  #modules: EngineModules;
  #shape: TrafficShape;
  #clientContent: ContentFactory;
  #serverContent: ContentFactory | null;
  #uids: Int32Array;
  #connections = new Set<Connection>();
  /** Outgoing connections to keep open (`--stage` moves it). */
  #target: number;
  /** Connections closing politely because the target fell. */
  #shedding = new Set<Connection>();
  /** What echoing connections' buffers may still grow by. */
  #echoBudget = new EchoBudget(ECHO_BUDGET_BYTES);
  #listeners: Deno.Listener[] = [];
  #running = false;
  #final: Float64Array | null = null;
  #ramped = false;
  /** When the whole share was first started (connecting or established). */
  #startedAllAt: number | null = null;
  #onRamped: () => void = () => {};
  #connectPacer: Pacer | null = null;
  /** Connect allowance kept between ticks: CONNECT_BANK_MS of the rate, at least 1. */
  #connectBank = 1;
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  #cursor: number;
  #health: DestinationHealth[];
  /** `[address]:port` of each destination, formatted once. */
  #peers: string[];
  /** Connect timeouts: one shared deadline wheel, no timer per connect. */
  #deadlines: ConnectDeadlines;
  #encoder = new TextEncoder();
  /** The `--ws` client's upgrade request, per connection; null without --ws. */
  #upgradeRequest: ContentFactory | null;
  /** Dumps, --message-stop and the `-vv` last-received line. */
  readonly outputTaps: OutputTaps;
  /** Latency histograms and taps. */
  readonly latency: WorkerLatency;
  /** Outgoing connections bound so far, for round-robin source addresses. */
  #boundCount = 0;
  /** A socket could not be created for want of descriptors (EMFILE, ENFILE). */
  #outOfFiles = false;
  /** Receives lines the run prints once (however many workers send them). */
  onNotice: (line: string) => void = () => {};

  /** `modules`: what the plan needs of the optional parts (`loadEngineModules`). */
  constructor(slice: WorkerSlice, modules: EngineModules) {
    this.counters = new Float64Array(slice.counters);
    this.#slice = slice;
    this.#modules = modules;
    this.#target = slice.connections;
    this.#plan = slice.plan;
    const plan = slice.plan;
    this.scheduler = new Scheduler({ alarm: slice.alarm });
    this.#shape = {
      messageRate: plan.messageRate,
      upstreamBandwidth: plan.upstreamBandwidth,
      downstreamBandwidth: plan.downstreamBandwidth,
      writeCombine: plan.writeCombine,
      delaySendMs: plan.delaySendMs,
    };
    const websocket = plan.websocket !== null;
    const constantBlockBytes = TrafficDumper.wanted(plan.outputs.dump)
      ? undefined
      : CONSTANT_BLOCK_BYTES;
    this.#clientContent = contentFactory(plan.content, "client", { websocket, constantBlockBytes });
    this.#serverContent = plan.listenMode === "active"
      ? contentFactory(plan.content, "server", { websocket, constantBlockBytes })
      : null;
    const request = plan.websocket?.request;
    this.#upgradeRequest = request ? contentFactory(request, "client") : null;
    this.#deadlines = new ConnectDeadlines(plan.connectTimeoutMs);
    this.#uids = new Int32Array(slice.uidCounter);
    this.#cursor = slice.index;
    this.#health = plan.destinations.map(() => ({ attempts: 0, successes: 0 }));
    this.#peers = plan.destinations.map((d) => formatAddress(d.address, d.port));
    this.outputTaps = new OutputTaps(slice);
    // A rejection reaches the worker's unhandledrejection reporter: the run ends with its lines.
    this.latency = new WorkerLatency(
      plan.latency,
      this.counters,
      (e) => void Promise.reject(e),
      plan.content.pointerBase,
    );
    if (plan.closedLoop !== null) {
      this.latency.closedLoop = { ...plan.closedLoop, scheduler: this.scheduler };
    }
    if (this.latency.histograms.message) this.log(2, "Initialized HdrHistogram with size 90216");
  }

  /** Writes a log line to stderr when verbosity allows it. */
  log(level: number, line: string): void {
    if (this.#plan.verbosity < level) return;
    Deno.stderr.writeSync(this.#encoder.encode(`${this.#slice.logPrefix}${line}\n`));
  }

  /** Binds this worker's listeners; a bind failure is fatal (exit 69). */
  bind(): void {
    if (!this.#slice.listens) return;
    for (const address of this.#plan.listen) {
      const where = { hostname: address.address, port: address.port };
      const certificate = this.#plan.tls?.listener;
      try {
        this.#listeners.push(
          certificate ? this.#modules.tls!.listenTls(where, certificate) : Deno.listen(where),
        );
      } catch (error) {
        if (error instanceof Deno.errors.NotCapable || error instanceof UsageError) throw error;
        const shown = address.dualStack ? "0.0.0.0" : address.address;
        throw new UsageError(
          `Bind ${formatAddress(shown, address.port)} is not done on thread ${this.#slice.index}: ${
            strerror(error)
          }`,
          EXIT.unavailable,
        );
      }
    }
  }

  /**
   * Starts accepting and connecting; `onRamped` fires once the share is up
   * (connected, and upgraded with --ws), or once no more can be opened.
   */
  start(onRamped: () => void): void {
    this.scheduler.start(); // listens for the precise alarm, if the run has one
    this.#running = true;
    this.#onRamped = onRamped;
    for (const listener of this.#listeners) this.#acceptLoop(listener);
    if (!this.#slice.connects) {
      this.#rampedUp();
      return;
    }
    this.#connectPacer = new Pacer(this.#slice.connectRate, performance.now());
    this.#connectBank = Math.max(1, Math.floor((this.#slice.connectRate * CONNECT_BANK_MS) / 1000));
    this.#connectTick();
  }

  /**
   * Freezes the run: no new connections or writes; sockets stay open until
   * close(). Keeps a copy of the counters for the `-vv` exit block (the main
   * thread reads the live ones from shared memory).
   */
  halt(): void {
    this.#final = this.counters.slice();
    this.#running = false;
    if (this.#connectTimer !== undefined) clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    this.scheduler.clear();
    for (const connection of this.#connections) connection.halt();
    this.#deadlines.abortAll();
  }

  /**
   * Ends the run's connections (after halt): closes the listeners, runs the
   * WebSocket close handshakes and TLS close_notify, and closes those sockets.
   */
  async close(): Promise<void> {
    for (const listener of this.#listeners) {
      try {
        listener.close();
      } catch { /* already closed */ }
    }
    await Promise.all([...this.#connections].map((c) => c.gate?.finish(c, CLOSE_HANDSHAKE_MS)));
    // Plain TCP sockets are left for the process's (or worker's) end to
    // close, as tcpkali's exit closes them: the same FIN on the wire.
    // Closing one here fails its pending read, and Deno builds an error
    // object for each: about 10 KB of garbage per connection at the run's
    // very end, which set the peak RSS of runs with many connections.
    if (this.#plan.tls !== null || this.#plan.websocket !== null) await this.#closeAll();
    // TLS: the close_notify alerts go out before the worker ends (bounded).
    if (this.#plan.tls !== null) await this.#modules.tls!.tlsClosesSettled();
    this.scheduler.close(); // lets the alarm's helper thread end
    this.#logExit(this.#final ?? this.counters);
    for (const line of this.outputTaps.exitLines()) this.log(2, line);
  }

  /**
   * Closes every connection (TLS and WebSocket ones end politely), in
   * batches: one batch's read errors are collected before the next is made.
   */
  async #closeAll(): Promise<void> {
    let closed = 0;
    for (const connection of [...this.#connections]) {
      connection.close("stop");
      if (++closed % CLOSE_BATCH === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  onClosed(connection: Connection, reason: CloseReason): void {
    this.#connections.delete(connection);
    this.#shedding.delete(connection);
    // An outgoing WebSocket connection is "connecting" until its upgrade is done.
    const upgrading = connection.outgoing && connection.gate !== null &&
      !connection.gate.established;
    this.counters[upgrading ? C.connecting : connection.outgoing ? C.openOut : C.openIn]--;
    if (reason === "failure") this.counters[C.failures]++;
    // Refused, timed out, reset or closed before the 101: a failed upgrade.
    if (reason === "failure" && upgrading) this.counters[C.upgradeFailures]++;
    if (connection.outgoing) this.#reopen();
  }

  /**
   * Re-opens a closed outgoing connection at once, within the connect rate,
   * instead of at the next connect tick: with `--channel-lifetime`, a slot
   * waiting for the tick is connect rate lost. Steady phase only; the ramp-up
   * is left to the tick.
   */
  #reopen(): void {
    const pacer = this.#connectPacer;
    if (!this.#running || !this.#ramped || pacer === null) return;
    if (this.#deficit() <= 0) return;
    const now = performance.now();
    // A sleeping tick has not trimmed the allowance: do it as the tick would have.
    if (this.#connectTimer === undefined) pacer.keepAtMost(this.#connectBank, now);
    if (pacer.allowance(now) >= 1) {
      pacer.consume(1, now);
      this.#openOutgoing(this.#nextDestination());
    }
    this.#wakeConnectTick();
  }

  /**
   * Arms the connect tick unless it is armed. It sleeps once every
   * connection is open (no timer per millisecond for a steady run); a
   * close or a failed connect wakes it.
   */
  #wakeConnectTick(): void {
    if (!this.#running || this.#connectTimer !== undefined) return;
    const tick = Math.min(250, Math.ceil(1000 / this.#slice.connectRate));
    this.#connectTimer = setTimeout(this.#onConnectTick, tick);
  }

  readonly #onConnectTick = () => {
    this.#connectTimer = undefined;
    this.#connectTick();
  };

  #connectTick(): void {
    if (!this.#running) return;
    const now = performance.now();
    const deficit = this.#checkRampUp(now);
    if (deficit < 0) this.#shed(-deficit);
    const pacer = this.#connectPacer!;
    const allowed = pacer.allowance(now);
    const opening = Math.min(allowed, Math.max(0, deficit));
    for (let i = 0; i < opening; i++) this.#openOutgoing(this.#nextDestination());
    if (opening > 0) pacer.consume(opening, now);
    // Unused allowance is kept for CONNECT_BANK_MS only: a connection that
    // closes between ticks re-opens at once, yet a mass close re-opens at
    // the connect rate, never in one burst.
    pacer.keepAtMost(this.#connectBank, now);
    if (!this.#ramped || deficit - opening > 0) this.#wakeConnectTick();
  }

  /**
   * As tcpkali, ramp-up is done when every connection started earlier is
   * still connecting or established (so a refused port never is). kali also
   * waits for the connects (and WebSocket upgrades) in flight to resolve,
   * bounded by one connect timeout, so that a connection adopted late has
   * caught up on its owed messages before the steady phase is counted.
   * Returns the connections missing.
   */
  #checkRampUp(now: number): number {
    const counters = this.counters;
    const deficit = this.#deficit();
    if (this.#ramped) return deficit;
    if (deficit <= 0) {
      this.#startedAllAt ??= now;
      const settled = counters[C.connecting] === 0 ||
        now - this.#startedAllAt >= this.#plan.connectTimeoutMs;
      if (settled) this.#rampedUp();
    } else {
      this.#startedAllAt = null;
      // Out of descriptors, the run goes on with the connections it has;
      // the rest are retried at the connect rate.
      if (this.#outOfFiles && counters[C.connecting] === 0) this.#rampedUp();
    }
    return deficit;
  }

  #rampedUp(): void {
    this.#ramped = true;
    this.#onRamped();
  }

  /** Outgoing connections missing (negative: too many), not counting those closing. */
  #deficit(): number {
    const counters = this.counters;
    return this.#target - (counters[C.connecting] + counters[C.openOut] - this.#shedding.size);
  }

  /**
   * Sets the outgoing connections to keep (`--stage`): more open at the
   * connect rate; extra ones close politely at the next connect tick.
   */
  setConnections(target: number): void {
    this.#target = target;
    // The connect tick sleeps once every connection is open: a new target wakes it.
    this.#wakeConnectTick();
  }

  /**
   * Closes `count` established outgoing connections, oldest first, as the
   * end of a run does: the WebSocket close handshake, TLS close_notify.
   */
  #shed(count: number): void {
    for (const connection of this.#connections) {
      if (count <= 0) return;
      if (!connection.outgoing || this.#shedding.has(connection)) continue;
      count--;
      this.#shedding.add(connection);
      connection.halt();
      const gate = connection.gate;
      if (gate === null) connection.close("shed");
      else gate.finish(connection, CLOSE_HANDSHAKE_MS).then(() => connection.close("shed"));
    }
  }

  #nextDestination(): number {
    const count = this.#plan.destinations.length;
    for (let tries = 0; tries < count; tries++) {
      const index = this.#cursor++ % count;
      const health = this.#health[index];
      if (health.attempts <= BROKEN_AFTER || health.successes > 0) return index;
    }
    return this.#cursor++ % count; // all broken: use one anyway
  }

  async #openOutgoing(index: number): Promise<void> {
    const destination: Destination = this.#plan.destinations[index];
    const counters = this.counters;
    const health = this.#health[index];
    const peer = this.#peers[index];
    counters[C.initiated]++;
    counters[C.connecting]++;
    health.attempts++;
    const connectStart = performance.now();
    const signal = this.#deadlines.signalFor(connectStart);
    let tcp: Deno.TcpConn;
    const sources = this.#plan.outputs.sourceAddresses;
    try {
      const tls = this.#modules.tls;
      if (tls !== null) {
        // TLS (--ssl): resolves once the handshake is done; BoundConn offers the TcpConn subset used.
        tcp = await tls.connectTls({
          hostname: destination.address,
          port: destination.port,
          serverName: tls.serverName(destination.host),
          localAddress: sources.length === 0
            ? undefined
            : sources[this.#boundCount++ % sources.length],
          signal,
        }) as unknown as Deno.TcpConn;
      } else if (sources.length === 0) {
        tcp = await Deno.connect({
          hostname: destination.address,
          port: destination.port,
          signal,
        });
      } else {
        // Binding a local address needs node:net; BoundConn offers the TcpConn subset used.
        tcp = await this.#modules.bound!.connectBound({
          hostname: destination.address,
          port: destination.port,
          localAddress: sources[this.#boundCount++ % sources.length],
          signal,
        }) as unknown as Deno.TcpConn;
      }
    } catch (error) {
      counters[C.connecting]--;
      if (!this.#running) return;
      this.#connectFailed(error, peer, signal.aborted);
      this.#wakeConnectTick();
      return;
    }
    if (!this.#running) {
      counters[C.connecting]--;
      tcp.close();
      return;
    }
    health.successes++;
    this.latency.connected(connectStart, performance.now());
    // A WebSocket client stays "connecting" until the server accepted its upgrade.
    if (this.#upgradeRequest === null) {
      counters[C.connecting]--;
      counters[C.openOut]++;
    }
    if (this.#plan.verbosity >= 2) {
      const local = tcp.localAddr as Deno.NetAddr;
      this.log(
        2,
        `Connection ${formatAddress(local.hostname, local.port)} -> ${peer} opened as ${
          counters[C.initiated]
        }`,
      );
    }
    this.#adopt(tcp, true, peer, this.#clientContent, connectStart);
  }

  #connectFailed(error: unknown, peer: string, timedOut: boolean): void {
    if (error instanceof Deno.errors.NotCapable) throw error;
    const counters = this.counters;
    const outOfFiles = outOfFilesError(error);
    if (outOfFiles !== null) {
      // tcpkali's words; printed once per run, counted, and at -v summed up at the end.
      counters[C.socketErrors]++;
      if (!this.#outOfFiles) this.onNotice(`Cannot create socket: ${outOfFiles}`);
      this.#outOfFiles = true;
      return;
    }
    counters[C.failures]++;
    if (timedOut) {
      counters[C.timeouts]++;
      this.log(1, `Connection to ${peer} is being closed: Connection timed out`);
    } else {
      this.log(1, `Closing ${peer}: ${strerror(error)}`);
    }
  }

  async #acceptLoop(listener: Deno.Listener): Promise<void> {
    for (;;) {
      let tcp: Deno.TcpConn;
      try {
        // A TLS connection (--ssl) handshakes on its first read or write.
        tcp = await listener.accept() as Deno.TcpConn;
      } catch (error) {
        if (!this.#running) return;
        if (error instanceof Deno.errors.BadResource) return;
        this.log(2, `Cannot accept a new connection: ${strerror(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
        continue;
      }
      if (!this.#running) {
        tcp.close();
        return;
      }
      this.counters[C.accepted]++;
      this.counters[C.openIn]++;
      // The peer's address is formatted only if a log line or dump needs it.
      this.#adopt(tcp, false, null, this.#serverContent);
    }
  }

  #adopt(
    tcp: Deno.TcpConn,
    outgoing: boolean,
    peer: string | null,
    content: ContentFactory | null,
    createdAt = performance.now(),
  ): void {
    const plan = this.#plan;
    // An accepted Deno.TlsConn has neither (build_plan warns about --nagle).
    if (typeof tcp.setNoDelay === "function") {
      try {
        if (plan.noDelay !== null) tcp.setNoDelay(plan.noDelay);
        tcp.setKeepAlive(true);
      } catch { /* the peer may already be gone; the read loop will notice */ }
    }
    const request = outgoing ? this.#upgradeRequest : null;
    const echo = !outgoing && plan.listenMode === "echo";
    const needsUid = (content?.needsUid ?? false) || (request?.needsUid ?? false) ||
      this.latency.markerNeedsUid;
    // Dealt round robin over shards: the shards' uids are disjoint (src/shared/shard.ts).
    const uid = needsUid ? shardUid(Atomics.add(this.#uids, 0, 1), plan.shard) : 0;
    const source = content ? content.forConnection(uid) : null;
    const taps = this.#tapsFor(outgoing);
    const latency = this.latency.tapsFor(source, createdAt, uid);
    taps.push(...latency.taps);
    let gate: WebSocketSession | EchoGate | undefined;
    if (plan.websocket !== null) {
      gate = new this.#modules.websocket!.WebSocketSession(this, {
        side: outgoing ? "client" : "server",
        request: request?.forConnection(uid).first,
        // The whole setup, TCP and upgrade, within the connect timeout (after --delay-send).
        deadline: createdAt + plan.connectTimeoutMs + (outgoing ? plan.delaySendMs : 0),
        echo,
      });
      taps.push(gate); // last: the frame parser unmasks in place
    } else if (echo) {
      gate = new EchoGate(this.#echoBudget);
      taps.push(gate);
    }
    const connection = new Connection(this, tcp, {
      outgoing,
      peer,
      source,
      shape: this.#shape,
      taps,
      gate,
      closeTls: this.#modules.tls?.closeTls,
      window: latency.window ?? undefined,
      // The echo reads into buffers of its own, growing them itself.
      maxReadBytes: echo ? 0 : undefined,
    });
    this.#connections.add(connection);
    if (plan.channelLifetimeMs !== null) {
      // As tcpkali: the lifetime runs from when the connection was created
      // (connect started), so a client closes before its peer's lifetime,
      // which runs from the accept, ends: its peer's close is no failure.
      const left = plan.channelLifetimeMs - (performance.now() - createdAt);
      connection.lifetimeTimer = setTimeout(
        () => connection.close("lifetime"),
        left > 0 ? left : 0,
      );
    }
    connection.start();
  }

  /**
   * The traffic taps a new connection gets. Each feature that inspects
   * traffic (dumps, latency markers, --message-stop) adds its tap here.
   */
  #tapsFor(outgoing: boolean): TrafficTap[] {
    return this.outputTaps.tapsFor(outgoing);
  }

  handshakeDone(connection: Connection): void {
    if (!connection.outgoing) return;
    this.counters[C.connecting]--;
    this.counters[C.openOut]++;
    // The last upgrade ends the ramp-up at once: the steady phase starts
    // before the first messages, as tcpkali's did.
    if (this.#running) this.#checkRampUp(performance.now());
  }

  handshakeFailed(_connection: Connection, timedOut: boolean): void {
    if (timedOut) this.counters[C.timeouts]++;
  }

  notHandshake(bytes: number): void {
    this.counters[C.handshakeReceived] -= bytes;
  }

  /**
   * Changes every message-paced connection's rate (`-r @` search,
   * `--stage`); `afresh`: pacing restarts now, owing nothing.
   */
  setMessageRate(perSecond: number, afresh: boolean): void {
    this.#shape.messageRate = perSecond;
    const now = performance.now();
    for (const connection of this.#connections) {
      connection.setMessageRate(perSecond, now, afresh);
    }
  }

  #logExit(final: Float64Array): void {
    if (this.#plan.verbosity < 2) return;
    const c = this.counters;
    const lines = [
      `Exiting worker ${this.#slice.index}`,
      `  ${c[C.openIn]}↓, ${c[C.openOut]}↑ open connections (${c[C.connecting]} connecting)`,
      `  ${final[C.initiated] + final[C.accepted]} connections_counter `,
      `  ↳ ${final[C.initiated]} connections_initiated`,
      `  ↳ ${final[C.accepted]} connections_accepted`,
      `  ${c[C.failures]} connection_failures`,
      `  ↳ ${c[C.timeouts]} connection_timeouts`,
      `  ${c[C.bytesSent]} worker_data_sent`,
      `  ${c[C.bytesReceived]} worker_data_rcvd`,
      `  ${c[C.writes]} worker_num_writes`,
      `  ${c[C.reads]} worker_num_reads`,
      ...workerLatencyBlock(this.latency, this.#plan.verbosity),
    ];
    Deno.stderr.writeSync(
      this.#encoder.encode(lines.map((l) => this.#slice.logPrefix + l).join("\n") + "\n"),
    );
  }
}
