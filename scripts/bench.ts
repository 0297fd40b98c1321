/**
 * `deno task bench`: kali side by side with reference peers (iperf3,
 * redis-server/redis-benchmark) on loopback, scenarios S1–S8 of the
 * performance issue and S9–S10 of the workload shapes (bench_workload.ts). Prints a table and writes the same as JSON.
 *
 * Options: `--only S1,S3`, `--quick` (short durations, a smoke run),
 * `--out FILE` (default `bench-results.json`), `--kali PATH` (the `main.ts`
 * to measure, default this tree's; e.g. an export of a commit).
 *
 * A scenario whose kali feature has not landed (kali exits 64 with "not
 * supported yet" for its options) is reported as not measured, never as a
 * number. Absolute figures vary on shared machines: read the ratios.
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  type KaliReport,
  notSupportedReason,
  parseIperf3Json,
  parseKaliReport,
  parseRedisBenchmarkCsv,
  parseTimeOutput,
  parseWorkerTotals,
  type TimeResult,
} from "./bench_parse.ts";
import {
  freePort,
  killAll,
  type ProcessRun,
  runProcess,
  selfSignedCertificate,
  startPeer,
} from "./bench_proc.ts";
import { S10, S9 } from "./bench_workload.ts";

const DEFAULT_MAIN = new URL("../main.ts", import.meta.url).pathname;
const INSTALL_PEERS = new URL("./install_peers.sh", import.meta.url).pathname;
const GNU_TIME = "/usr/bin/time";
const SOCKET_FLOOR = new URL("./socket_floor.ts", import.meta.url).pathname;

/** One line of the results table. */
export interface Row {
  scenario: string;
  what: string;
  unit: string;
  /** kali's figure; null when not measured (see `note`). */
  kali: number | null;
  /** The figure kali is compared with: a peer's, or the asked/ideal value. */
  reference: number | null;
  /** What `reference` is (`iperf3 -P 4`, `asked`, …). */
  referenceLabel: string;
  /** kali / reference. */
  ratio: number | null;
  target: string;
  /** Whether the target is met; null when there is no target or no figure. */
  met: boolean | null;
  note?: string;
  /** Decimals to print. */
  digits: number;
}

/** What every scenario gets. */
export interface Context {
  quick: boolean;
  /** The kali entry point to measure (`main.ts` of this tree unless `--kali`). */
  main: string;
  dir: string;
  /** iperf3 single-stream Gbit/s, once measured (S1, reused by S2). */
  iperfSingleGbps?: number;
  iperfSingleNote?: string;
}

/** One benchmark scenario. */
export interface Scenario {
  id: string;
  title: string;
  run(ctx: Context): Promise<Row[]>;
}

/** A kali run's report, or why there is none. */
export type KaliOutcome =
  | { kind: "ok"; report: KaliReport; run: ProcessRun; time: TimeResult | null }
  | { kind: "not-measured"; reason: string; run?: ProcessRun };

/** A scenario's duration: `full` seconds, or `short` with `--quick`. */
export const seconds = (quick: boolean, full: number, short: number) => quick ? short : full;

/** Runs a Deno program under GNU time (CPU seconds, peak RSS) and a hard timeout. */
async function runTimed(
  ctx: Context,
  denoRunArgs: string[],
  options: { durationSeconds: number; watch?: Record<string, RegExp> },
): Promise<{ run: ProcessRun; time: TimeResult | null }> {
  const timeFile = `${ctx.dir}/time-${crypto.randomUUID()}.txt`;
  const limit = Math.ceil(options.durationSeconds + 30);
  const run = await runProcess(
    GNU_TIME,
    [
      "-o",
      timeFile,
      "-f",
      "%U %S %M %e",
      "timeout",
      "-k",
      "2",
      String(limit),
      Deno.execPath(),
      "run",
      ...denoRunArgs,
    ],
    { timeoutMs: (limit + 10) * 1000, watch: options.watch, env: { NO_COLOR: "1" } },
  );
  let time: TimeResult | null = null;
  try {
    time = parseTimeOutput(await Deno.readTextFile(timeFile));
  } catch { /* no time file */ }
  return { run, time };
}

/** Runs kali under GNU time and a hard timeout. */
export async function runKali(
  ctx: Context,
  args: string[],
  options: { durationSeconds: number; watch?: Record<string, RegExp> },
): Promise<KaliOutcome> {
  const { run, time } = await runTimed(ctx, ["-A", ctx.main, ...args], options);
  const unsupported = notSupportedReason(run.code, run.stderr);
  if (unsupported) return { kind: "not-measured", reason: `not supported yet: ${unsupported}` };
  const report = parseKaliReport(run.stdout);
  if (run.code !== 0 || !report) {
    const why = run.timedOut ? "timed out" : `exit ${run.code}`;
    const lines = run.stderr.trim().split("\n").filter((l) => !/opened as|half-closed/.test(l));
    const error = lines.find((l) => /error/i.test(l));
    const tail = error ? error.trim() : lines.slice(-2).join(" | ");
    return { kind: "not-measured", reason: `kali failed (${why}): ${tail}`, run };
  }
  return { kind: "ok", report, run, time };
}

/** Rows for `whats` that could not be measured, with the reason. */
export function notMeasured(
  scenario: string,
  whats: [what: string, unit: string, target: string][],
  reason: string,
): Row[] {
  return whats.map(([what, unit, target]) => ({
    scenario,
    what,
    unit,
    kali: null,
    reference: null,
    referenceLabel: "",
    ratio: null,
    target,
    met: null,
    note: reason,
    digits: 0,
  }));
}

/** kali / reference, or null. */
export function ratioOf(kali: number | null, reference: number | null): number | null {
  return kali !== null && reference !== null && reference !== 0 ? kali / reference : null;
}

/** An error's message. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** iperf3 client against a one-off iperf3 server on a free port; Gbit/s received. */
async function iperf3(durationSeconds: number, streams: number): Promise<number> {
  const port = freePort();
  const server = await startPeer("iperf3", ["-s", "-1", "--forceflush", "-p", String(port)], {
    lifetimeSeconds: durationSeconds + 30,
    ready: /Server listening on/,
  });
  try {
    const args = ["-c", "127.0.0.1", "-p", String(port), "-t", String(durationSeconds), "-J"];
    if (streams > 1) args.push("-P", String(streams));
    const run = await runProcess("iperf3", args, { timeoutMs: (durationSeconds + 20) * 1000 });
    return parseIperf3Json(run.stdout).receivedBitsPerSecond / 1e9;
  } finally {
    await server.stop();
  }
}

async function iperfSingle(ctx: Context, durationSeconds: number): Promise<void> {
  if (ctx.iperfSingleGbps !== undefined || ctx.iperfSingleNote) return;
  try {
    ctx.iperfSingleGbps = await iperf3(durationSeconds, 1);
  } catch (error) {
    ctx.iperfSingleNote = `iperf3 failed: ${errorText(error)}`;
  }
}

function selfLoop(port: number): string[] {
  return ["-l", String(port), `127.0.0.1:${port}`];
}

const KIB_MESSAGE = "x".repeat(1024);

const S1: Scenario = {
  id: "S1",
  title: "one stream",
  async run(ctx) {
    const d = seconds(ctx.quick, 5, 2);
    const port = freePort();
    const kali = await runKali(ctx, [...selfLoop(port), "-m", KIB_MESSAGE, "-T", `${d}s`], {
      durationSeconds: d,
    });
    const what: [string, string, string] = [
      "1 conn, 1 KiB msg vs iperf3 1 stream",
      "Gbit/s",
      "≥ 1.5×",
    ];
    if (kali.kind !== "ok") return notMeasured("S1", [what], kali.reason);
    await iperfSingle(ctx, d);
    const gbps = kali.report.upMbps / 1000;
    const ratio = ratioOf(gbps, ctx.iperfSingleGbps ?? null);
    return [{
      scenario: "S1",
      what: what[0],
      unit: "Gbit/s",
      kali: gbps,
      reference: ctx.iperfSingleGbps ?? null,
      referenceLabel: "iperf3 -P 1",
      ratio,
      target: what[2],
      met: ratio === null ? null : ratio >= 1.5,
      note: ctx.iperfSingleNote,
      digits: 2,
    }];
  },
};

const S2: Scenario = {
  id: "S2",
  title: "100 streams",
  async run(ctx) {
    const d = seconds(ctx.quick, 5, 2);
    const port = freePort();
    const kali = await runKali(ctx, [
      ...selfLoop(port),
      "-c",
      "100",
      "--connect-rate",
      "10k",
      "-m",
      KIB_MESSAGE,
      "-T",
      `${d}s`,
    ], { durationSeconds: d });
    if (kali.kind !== "ok") {
      return notMeasured("S2", [
        ["100 conns vs iperf3 -P 4", "Gbit/s", "—"],
        ["100 conns vs iperf3 1 stream", "Gbit/s", "≥ 2×"],
      ], kali.reason);
    }
    const gbps = kali.report.upMbps / 1000;
    let multi: number | null = null;
    let multiNote: string | undefined;
    try {
      multi = await iperf3(d, 4);
    } catch (error) {
      multiNote = `iperf3 failed: ${errorText(error)}`;
    }
    await iperfSingle(ctx, d);
    const single = ctx.iperfSingleGbps ?? null;
    const ratio = ratioOf(gbps, single);
    return [{
      scenario: "S2",
      what: "100 conns vs iperf3 -P 4",
      unit: "Gbit/s",
      kali: gbps,
      reference: multi,
      referenceLabel: "iperf3 -P 4",
      ratio: ratioOf(gbps, multi),
      target: "—",
      met: null,
      note: multiNote,
      digits: 2,
    }, {
      scenario: "S2",
      what: "100 conns vs iperf3 1 stream",
      unit: "Gbit/s",
      kali: gbps,
      reference: single,
      referenceLabel: "iperf3 -P 1",
      ratio,
      target: "≥ 2×",
      met: ratio === null ? null : ratio >= 2,
      note: ctx.iperfSingleNote,
      digits: 2,
    }];
  },
};

const S3: Scenario = {
  id: "S3",
  title: "paced",
  async run(ctx) {
    const d = seconds(ctx.quick, 10, 3);
    const connections = 4000;
    const rate = 10;
    const message = "m".repeat(63) + "\n";
    const paced = [
      "-c",
      String(connections),
      "--connect-rate",
      "20k",
      "-r",
      String(rate),
      "-m",
      message,
      "-T",
      `${d}s`,
    ];
    const whats: [string, string, string][] = [
      [`messages sent, ${connections} conns × ${rate}/s, 64 B`, "msgs", "±1%"],
      ["CPU user+sys, client process (separate kali sink)", "s", "≤ 5 s"],
      ["CPU user+sys, self-loop process (both ends)", "s", "—"],
    ];
    // The load generator alone, against a kali sink in its own process.
    const sinkPort = freePort();
    const sink = await startPeer(Deno.execPath(), [
      "run",
      "-A",
      ctx.main,
      "-l",
      String(sinkPort),
      "-T",
      `${d + 10}s`,
    ], { port: sinkPort, lifetimeSeconds: d + 30 });
    let kali: KaliOutcome;
    try {
      kali = await runKali(ctx, [...paced, `127.0.0.1:${sinkPort}`], { durationSeconds: d + 2 });
    } finally {
      await sink.stop();
    }
    if (kali.kind !== "ok") return notMeasured("S3", whats, kali.reason);
    const port = freePort();
    const loop = await runKali(ctx, [...selfLoop(port), ...paced], { durationSeconds: d + 2 });
    const achieved = kali.report.sentBytes / message.length;
    const asked = connections * rate * kali.report.durationSeconds;
    const ratio = achieved / asked;
    const cpuOf = (outcome: KaliOutcome) =>
      outcome.kind === "ok" && outcome.time
        ? outcome.time.userSeconds + outcome.time.systemSeconds
        : null;
    const cpu = cpuOf(kali);
    const loopCpu = cpuOf(loop);
    const split = (outcome: KaliOutcome) =>
      outcome.kind === "ok" && outcome.time
        ? `user ${outcome.time.userSeconds} s + sys ${outcome.time.systemSeconds} s`
        : "";
    return [{
      scenario: "S3",
      what: whats[0][0],
      unit: "msgs",
      kali: achieved,
      reference: asked,
      referenceLabel: "asked",
      ratio,
      target: "±1%",
      met: Math.abs(ratio - 1) <= 0.01,
      note: `client process; over the ${kali.report.durationSeconds} s steady phase`,
      digits: 0,
    }, {
      scenario: "S3",
      what: whats[1][0],
      unit: "s",
      kali: cpu,
      reference: null,
      referenceLabel: "",
      ratio: null,
      target: "≤ 5 s",
      met: cpu === null ? null : cpu <= 5,
      note: cpu === null
        ? "GNU time gave no figures"
        : `${
          split(kali)
        }, incl. startup and ramp; loopback delivery is charged to the sender's sys time`,
      digits: 2,
    }, {
      scenario: "S3",
      what: whats[2][0],
      unit: "s",
      kali: loopCpu,
      reference: null,
      referenceLabel: "",
      ratio: null,
      target: "—",
      met: null,
      note: loop.kind === "ok" ? split(loop) : loop.reason,
      digits: 2,
    }];
  },
};

/**
 * Bare Deno's peak RSS per idle loopback connection with a pending read on
 * both sockets (scripts/socket_floor.ts), measured as S4 measures kali:
 * `connections` against 1, in KiB. What no Deno program can go below.
 */
async function socketFloorKiB(ctx: Context, connections: number, hold: number) {
  const peak = async (n: number) => {
    const { run, time } = await runTimed(ctx, [
      "--allow-net",
      SOCKET_FLOOR,
      String(n),
      String(hold),
    ], {
      durationSeconds: hold + 2,
    });
    return run.code === 0 && time ? time.maxRssKiB : null;
  };
  const one = await peak(1);
  const many = await peak(connections);
  return one === null || many === null ? null : (many - one) / connections;
}

const S4: Scenario = {
  id: "S4",
  title: "held",
  async run(ctx) {
    const hold = seconds(ctx.quick, 3, 2);
    const connections = 9000;
    const connectRate = 20000;
    const whats: [string, string, string][] = [
      [`ramp-up of ${connections} idle conns at 20k/s`, "s", "≤ ideal + 1 s"],
      ["peak RSS over a 1-conn run, per conn", "KiB", "≤ 8 KiB"],
    ];
    const basePort = freePort();
    const base = await runKali(ctx, [...selfLoop(basePort), "-c", "1", "-T", `${hold}s`], {
      durationSeconds: hold,
    });
    if (base.kind !== "ok") return notMeasured("S4", whats, base.reason);
    const port = freePort();
    const kali = await runKali(ctx, [
      ...selfLoop(port),
      "-c",
      String(connections),
      "--connect-rate",
      "20k",
      "-T",
      `${hold}s`,
    ], {
      durationSeconds: hold + 2,
      watch: { listening: /^Listen on:/m, ramped: /^Ramped up to \d+ connections\./m },
    });
    if (kali.kind !== "ok") return notMeasured("S4", whats, kali.reason);
    const ideal = connections / connectRate;
    const rampedMs = kali.run.marks.ramped;
    const ramp = rampedMs === undefined ? null : rampedMs / 1000;
    const afterStartup = rampedMs !== undefined && kali.run.marks.listening !== undefined
      ? (rampedMs - kali.run.marks.listening) / 1000
      : null;
    const perConn = kali.time && base.time
      ? (kali.time.maxRssKiB - base.time.maxRssKiB) / connections
      : null;
    const floor = await socketFloorKiB(ctx, connections, hold);
    return [{
      scenario: "S4",
      what: whats[0][0],
      unit: "s",
      kali: ramp,
      reference: ideal,
      referenceLabel: "ideal",
      ratio: ratioOf(ramp, ideal),
      target: "≤ ideal + 1 s",
      met: ramp === null ? null : ramp <= ideal + 1,
      note: ramp === null
        ? "no `Ramped up` line"
        : `from process start (incl. Deno startup); from \`Listen on\`: ${
          afterStartup?.toFixed(2)
        } s`,
      digits: 2,
    }, {
      scenario: "S4",
      what: whats[1][0],
      unit: "KiB",
      kali: perConn,
      reference: floor,
      referenceLabel: "bare Deno floor",
      ratio: ratioOf(perConn, floor),
      target: "≤ 8 KiB",
      met: perConn === null ? null : perConn <= 8,
      note: perConn === null
        ? "GNU time gave no figures"
        : `self-loop (2 sockets per conn); peak RSS ${
          (kali.time!.maxRssKiB / 1024).toFixed(0)
        } MiB vs ${(base.time!.maxRssKiB / 1024).toFixed(0)} MiB`,
      digits: 1,
    }];
  },
};

const S5: Scenario = {
  id: "S5",
  title: "latency",
  async run(ctx) {
    const d = seconds(ctx.quick, 5, 2);
    const connections = 50;
    const rate = 1000;
    const asked = connections * rate;
    const whats: [string, string, string][] = [
      [`PING rate, ${connections} conns × ${rate}/s`, "msg/s", "≥ 99%"],
      ["PING→PONG p50", "ms", "—"],
      ["PING→PONG p95", "ms", "—"],
      ["PING→PONG p99", "ms", "—"],
    ];
    const port = freePort();
    const server = await startPeer("redis-server", [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--maxclients",
      "1000",
    ], { port, lifetimeSeconds: 4 * d + 60 });
    try {
      const kali = await runKali(ctx, [
        "-e",
        "-m",
        String.raw`PING\r\n`,
        "--latency-marker",
        "PONG",
        "-r",
        String(rate),
        "-c",
        String(connections),
        "--latency-percentiles",
        "50,95,99",
        "-T",
        `${d}s`,
        `127.0.0.1:${port}`,
      ], { durationSeconds: d + 1 });
      if (kali.kind !== "ok") return notMeasured("S5", whats, kali.reason);
      let peer: ReturnType<typeof parseRedisBenchmarkCsv>[number] | null = null;
      let peerNote = "";
      try {
        const bench = await runProcess("redis-benchmark", [
          "-h",
          "127.0.0.1",
          "-p",
          String(port),
          "-c",
          String(connections),
          "-n",
          String(asked * d),
          "-t",
          "ping_inline",
          "--csv",
        ], { timeoutMs: (d * 4 + 20) * 1000 });
        peer = parseRedisBenchmarkCsv(bench.stdout)[0] ?? null;
        if (!peer) peerNote = `redis-benchmark gave no figures: ${bench.stderr.trim()}`;
      } catch (error) {
        peerNote = `redis-benchmark failed: ${errorText(error)}`;
      }
      const achieved = kali.report.sentBytes / "PING\r\n".length / kali.report.durationSeconds;
      const latency = kali.report.messageLatency;
      const rows: Row[] = [{
        scenario: "S5",
        what: whats[0][0],
        unit: "msg/s",
        kali: achieved,
        reference: asked,
        referenceLabel: "asked",
        ratio: achieved / asked,
        target: "≥ 99%",
        met: achieved / asked >= 0.99,
        note: peer
          ? `redis-benchmark (unpaced, same 50 clients, PING_INLINE): ${
            peer.requestsPerSecond.toFixed(0)
          } req/s`
          : peerNote,
        digits: 0,
      }];
      for (const [label, key] of [["50", "p50Ms"], ["95", "p95Ms"], ["99", "p99Ms"]] as const) {
        const value = latency?.[label] ?? null;
        rows.push({
          scenario: "S5",
          what: `PING→PONG p${label}`,
          unit: "ms",
          kali: value,
          reference: peer ? peer[key] : null,
          referenceLabel: "redis-benchmark",
          ratio: ratioOf(value, peer ? peer[key] : null),
          target: "—",
          met: null,
          note: value === null
            ? "no `Message latency at percentiles` line"
            : "kali paced; redis-benchmark unpaced",
          digits: 2,
        });
      }
      return rows;
    } finally {
      await server.stop();
    }
  },
};

const S6: Scenario = {
  id: "S6",
  title: "churn",
  async run(ctx) {
    const d = seconds(ctx.quick, 4, 2);
    const connectRate = 5000;
    const lifetime = 0.05;
    // Ramp-up ends only once c connections are open at once, and each lives
    // 50 ms: c = rate × lifetime is the largest pool that can ramp up at all.
    const connections = connectRate * lifetime;
    const what: [string, string, string] = [
      `conns opened/s, lifetime ${lifetime} s, asked ${connectRate}/s`,
      "conn/s",
      "≥ 95% of asked",
    ];
    const port = freePort();
    const kali = await runKali(ctx, [
      ...selfLoop(port),
      "-vv",
      "--channel-lifetime",
      String(lifetime),
      "--connect-rate",
      "5k",
      "-c",
      String(connections),
      "-T",
      `${d}s`,
    ], { durationSeconds: d + 1 });
    if (kali.kind !== "ok") return notMeasured("S6", [what], kali.reason);
    const totals = parseWorkerTotals(kali.run.stderr);
    if (totals.workers === 0) {
      return notMeasured("S6", [what], "no `-vv` worker exit blocks on stderr");
    }
    const span = kali.report.durationSeconds + connections / connectRate;
    const opened = totals.connectionsInitiated / span;
    return [{
      scenario: "S6",
      what: what[0],
      unit: "conn/s",
      kali: opened,
      reference: connectRate,
      referenceLabel: "asked",
      ratio: opened / connectRate,
      target: what[2],
      met: opened / connectRate >= 0.95,
      note:
        `self-loop, -c ${connections}; ${totals.connectionsInitiated} initiated, ${totals.connectionFailures} connection_failures over ${
          span.toFixed(2)
        } s`,
      digits: 0,
    }];
  },
};

/** Bytes of one masked client frame carrying `payload` bytes. */
function maskedFrameSize(payload: number): number {
  return payload + 4 + (payload < 126 ? 2 : payload < 65536 ? 4 : 10);
}

const S7: Scenario = {
  id: "S7",
  title: "WebSocket",
  async run(ctx) {
    const d = seconds(ctx.quick, 5, 2);
    const rows: Row[] = [];
    for (const size of [64, 1024]) {
      const what: [string, string, string] = [
        `${size === 64 ? "64 B" : "1 KiB"} frames into a --ws listener`,
        "frames/s",
        "—",
      ];
      const port = freePort();
      const kali = await runKali(ctx, [
        "--ws",
        ...selfLoop(port),
        "-m",
        "w".repeat(size),
        "-T",
        `${d}s`,
      ], { durationSeconds: d });
      if (kali.kind !== "ok") {
        rows.push(...notMeasured("S7", [what], kali.reason));
        continue;
      }
      const frame = maskedFrameSize(size);
      const framesPerSecond = kali.report.sentBytes / frame / kali.report.durationSeconds;
      const received = kali.report.receivedBytes / Math.max(1, kali.report.sentBytes);
      rows.push({
        scenario: "S7",
        what: what[0],
        unit: "frames/s",
        kali: framesPerSecond,
        reference: null,
        referenceLabel: "",
        ratio: null,
        target: "—",
        met: null,
        note: `sent bytes / ${frame} B per masked frame; listener received ${
          (received * 100).toFixed(1)
        }% of the bytes sent`,
        digits: 0,
      });
    }
    return rows;
  },
};

const S8: Scenario = {
  id: "S8",
  title: "TLS",
  async run(ctx) {
    const d = seconds(ctx.quick, 5, 2);
    const what: [string, string, string] = [
      "1 conn TLS self-loop, 1 KiB msg",
      "Gbit/s",
      "≥ 1 Gbit/s",
    ];
    let cert: string, key: string;
    try {
      ({ cert, key } = await selfSignedCertificate(ctx.dir));
    } catch (error) {
      return notMeasured("S8", [what], `openssl could not make a certificate: ${errorText(error)}`);
    }
    const port = freePort();
    const kali = await runKali(ctx, [
      "--ssl",
      "--ssl-cert",
      cert,
      "--ssl-key",
      key,
      ...selfLoop(port),
      "-m",
      KIB_MESSAGE,
      "-T",
      `${d}s`,
    ], { durationSeconds: d });
    if (kali.kind !== "ok") return notMeasured("S8", [what], kali.reason);
    const gbps = kali.report.upMbps / 1000;
    return [{
      scenario: "S8",
      what: what[0],
      unit: "Gbit/s",
      kali: gbps,
      reference: null,
      referenceLabel: "",
      ratio: null,
      target: what[2],
      met: gbps >= 1,
      digits: 2,
    }];
  },
};

const SCENARIOS = [S1, S2, S3, S4, S5, S6, S7, S8, S9, S10];

function formatNumber(value: number | null, digits: number): string {
  if (value === null) return "—";
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** Renders rows as a Markdown table (the form printed and put in docs/performance.md). */
export function renderTable(rows: Row[]): string {
  const header = ["scenario", "what", "kali", "peer / ideal", "ratio", "target", "met?"];
  const lines = rows.map((row) => [
    row.scenario,
    row.what,
    row.kali === null ? "not measured" : `${formatNumber(row.kali, row.digits)} ${row.unit}`,
    row.reference === null
      ? "—"
      : `${formatNumber(row.reference, row.digits)} ${row.unit} (${row.referenceLabel})`,
    row.ratio === null ? "—" : `${row.ratio.toFixed(2)}×`,
    row.target,
    row.met === null ? "—" : row.met ? "yes" : "**no**",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const render = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
  return [
    render(header),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...lines.map(render),
  ].join("\n");
}

/** Renders the notes of the rows, once per scenario and note. */
export function renderNotes(rows: Row[]): string {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    if (!row.note) continue;
    const key = `${row.scenario}\u0000${row.note}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((group) => {
    const whats = group.length === 1 ? ` ${group[0].what}` : "";
    return `- ${group[0].scenario}${whats}: ${group[0].note}`;
  }).join("\n");
}

async function installPeers(): Promise<string | null> {
  try {
    const run = await runProcess("bash", [INSTALL_PEERS], { timeoutMs: 300000 });
    return run.code === 0 ? null : `install_peers.sh exited ${run.code}: ${run.stderr.trim()}`;
  } catch (error) {
    return `install_peers.sh failed: ${errorText(error)}`;
  }
}

async function kaliVersion(main: string): Promise<Record<string, unknown>> {
  const dir = main.replace(/\/[^/]*$/, "") || ".";
  const git = async (...args: string[]) => {
    try {
      const out = await new Deno.Command("git", { args: ["-C", dir, ...args], stderr: "null" })
        .output();
      return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
    } catch {
      return null;
    }
  };
  const commit = await git("rev-parse", "HEAD");
  const status = await git("status", "--porcelain", "--untracked-files=no");
  return { main, commit, uncommittedChanges: status === null ? null : status !== "" };
}

async function machine(): Promise<Record<string, unknown>> {
  let cpu = "unknown";
  try {
    // Deno wants --allow-all to read /proc/cpuinfo itself; cat may read it.
    const out = await new Deno.Command("cat", { args: ["/proc/cpuinfo"], stderr: "null" }).output();
    cpu = /model name\s*:\s*(.*)/.exec(new TextDecoder().decode(out.stdout))?.[1] ?? cpu;
  } catch { /* not Linux */ }
  return {
    cores: navigator.hardwareConcurrency,
    cpu,
    os: `${Deno.build.os} ${Deno.osRelease()}`,
    deno: Deno.version.deno,
  };
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: "string" },
      quick: { type: "boolean", default: false },
      out: { type: "string", default: "bench-results.json" },
      kali: { type: "string", default: DEFAULT_MAIN },
    },
  });
  const wanted = values.only?.split(",").map((s) => s.trim().toUpperCase()).filter(Boolean);
  const unknown = wanted?.filter((id) => !SCENARIOS.some((s) => s.id === id)) ?? [];
  if (unknown.length > 0) {
    console.error(`bench: unknown scenario ${unknown.join(", ")} (known: S1–S10)`);
    return 64;
  }
  const scenarios = SCENARIOS.filter((s) => !wanted || wanted.includes(s.id));
  const installNote = await installPeers();
  if (installNote) console.error(`bench: ${installNote}`);
  const ctx: Context = {
    quick: values.quick,
    main: values.kali!,
    dir: await Deno.makeTempDir({ prefix: "kali-bench-" }),
  };
  const rows: Row[] = [];
  const startedAt = new Date();
  try {
    for (const scenario of scenarios) {
      const t0 = performance.now();
      console.error(`bench: ${scenario.id} ${scenario.title}…`);
      try {
        rows.push(...await scenario.run(ctx));
      } catch (error) {
        rows.push(
          ...notMeasured(
            scenario.id,
            [[scenario.title, "", "—"]],
            `bench error: ${errorText(error)}`,
          ),
        );
      }
      console.error(
        `bench: ${scenario.id} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
    }
  } finally {
    killAll();
    await Deno.remove(ctx.dir, { recursive: true }).catch(() => {});
  }
  const table = renderTable(rows);
  const notes = renderNotes(rows);
  console.log(table);
  if (notes) console.log(`\nNotes:\n${notes}`);
  const result = {
    date: startedAt.toISOString(),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    machine: await machine(),
    kali: await kaliVersion(ctx.main),
    command: `deno task bench${argv.length ? " " + argv.join(" ") : ""}`,
    quick: values.quick,
    rows,
  };
  await Deno.writeTextFile(values.out!, JSON.stringify(result, null, 2) + "\n");
  console.error(`bench: wrote ${values.out}`);
  return 0;
}

if (import.meta.main) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      killAll();
      Deno.exit(130);
    });
  }
  Deno.exit(await main(Deno.args));
}
