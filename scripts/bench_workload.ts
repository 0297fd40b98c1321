/**
 * Bench scenarios of the workload shapes, run by `deno task bench`:
 *
 * - S11: `--closed-loop` against redis-server beside redis-benchmark in the
 *   same run, 50 connections PING: `--in-flight 1` against plain
 *   redis-benchmark and `--in-flight 16` against `-P 16` (requests per
 *   second and p50 latency).
 * - S12: `--listen-mode echo` against a kali sink and against a bare Deno
 *   echo loop (scripts/echo_floor.ts), each in its own process, fed by one
 *   kali connection of 1 KiB messages.
 *
 * @module
 */
import {
  type Context,
  errorText,
  type KaliOutcome,
  notMeasured,
  ratioOf,
  type Row,
  runKali,
  type Scenario,
  seconds,
} from "./bench_run.ts";
import { parseRedisBenchmarkCsv, type RedisBenchmarkRow } from "./bench_parse.ts";
import { freePort, runProcess, startPeer } from "./bench_proc.ts";

const ECHO_FLOOR = new URL("./echo_floor.ts", import.meta.url).pathname;
const CONNECTIONS = 50;

/** A redis-server on a free loopback port for `seconds` at most. */
async function redisServer(lifetimeSeconds: number) {
  const port = freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", ""];
  const server = await startPeer("redis-server", [...args, "--appendonly", "no"], {
    port,
    lifetimeSeconds,
  });
  return { port, stop: () => server.stop() };
}

/** redis-benchmark's PING_INLINE with `pipeline` requests in flight per connection. */
async function redisBenchmark(
  port: number,
  pipeline: number,
  requests: number,
): Promise<RedisBenchmarkRow | string> {
  try {
    const args = ["-h", "127.0.0.1", "-p", String(port), "-c", String(CONNECTIONS)];
    args.push("-P", String(pipeline), "-n", String(requests), "-t", "ping_inline", "--csv");
    const run = await runProcess("redis-benchmark", args, { timeoutMs: 120000 });
    return parseRedisBenchmarkCsv(run.stdout)[0] ??
      `redis-benchmark gave no figures: ${run.stderr.trim()}`;
  } catch (error) {
    return `redis-benchmark failed: ${errorText(error)}`;
  }
}

/** kali's closed loop: 50 connections, `inFlight` PINGs each. */
function closedLoop(ctx: Context, port: number, inFlight: number, d: number) {
  return runKali(ctx, [
    "-c",
    String(CONNECTIONS),
    "--connect-rate",
    "10k",
    "--closed-loop",
    "--in-flight",
    String(inFlight),
    "-e",
    "-m",
    String.raw`PING\r\n`,
    "--latency-marker",
    "PONG",
    "--latency-percentiles",
    "50,95,99",
    "-T",
    `${d}s`,
    `127.0.0.1:${port}`,
  ], { durationSeconds: d + 1 });
}

/** The two rows of one pipeline depth: requests per second and p50. */
function closedLoopRows(kali: KaliOutcome, peer: RedisBenchmarkRow | string, inFlight: number) {
  const label = inFlight === 1 ? "redis-benchmark" : `redis-benchmark -P ${inFlight}`;
  const whats: [string, string, string][] = [
    [`PING closed loop, ${CONNECTIONS} conns, --in-flight ${inFlight}`, "req/s", "≥ 0.9×"],
    [`PING→PONG p50, --in-flight ${inFlight}`, "ms", "≤ 1.2×"],
  ];
  if (kali.kind !== "ok" || !kali.report.closedLoop) {
    return notMeasured("S11", whats, kali.kind === "ok" ? "no `Closed loop` line" : kali.reason);
  }
  const reference = typeof peer === "string" ? null : peer;
  const note = typeof peer === "string" ? peer : undefined;
  const rate = kali.report.closedLoop.requestsPerSecond;
  const p50 = kali.report.messageLatency?.["50"] ?? null;
  const rateRatio = ratioOf(rate, reference?.requestsPerSecond ?? null);
  const p50Ratio = ratioOf(p50, reference?.p50Ms ?? null);
  const row = (
    i: number,
    kaliValue: number | null,
    peerValue: number | null,
    ratio: number | null,
  ) => ({
    scenario: "S11",
    what: whats[i][0],
    unit: whats[i][1],
    kali: kaliValue,
    reference: peerValue,
    referenceLabel: label,
    ratio,
    target: whats[i][2],
    met: ratio === null ? null : i === 0 ? ratio >= 0.9 : ratio <= 1.2,
    note,
    digits: i === 0 ? 0 : 2,
  });
  return [
    row(0, rate, reference?.requestsPerSecond ?? null, rateRatio),
    row(1, p50, reference?.p50Ms ?? null, p50Ratio),
  ];
}

/** S11: kali's closed loop beside redis-benchmark on one redis-server. */
export const S11: Scenario = {
  id: "S11",
  title: "closed loop",
  async run(ctx) {
    const d = seconds(ctx.quick, 5, 2);
    const server = await redisServer(8 * d + 120);
    try {
      const rows: Row[] = [];
      for (const inFlight of [1, 16]) {
        const kali = await closedLoop(ctx, server.port, inFlight, d);
        // As many requests as kali answered: both run about as long.
        const answered = kali.kind === "ok" ? kali.report.closedLoop?.answers ?? 0 : 0;
        const requests = Math.max(20000, Math.round(answered / 1000) * 1000);
        const peer = await redisBenchmark(server.port, inFlight, requests);
        rows.push(...closedLoopRows(kali, peer, inFlight));
      }
      return rows;
    } finally {
      await server.stop();
    }
  },
};

const KIB_MESSAGE = "x".repeat(1024);

/** One kali connection of 1 KiB messages into a listener started by `start`; Gbit/s sent. */
async function feed(
  ctx: Context,
  d: number,
  start: (port: number) => Promise<{ stop(): Promise<unknown> }>,
): Promise<number | string> {
  const port = freePort();
  let listener: { stop(): Promise<unknown> };
  try {
    listener = await start(port);
  } catch (error) {
    return `listener failed: ${errorText(error)}`;
  }
  try {
    const kali = await runKali(ctx, ["-m", KIB_MESSAGE, "-T", `${d}s`, `127.0.0.1:${port}`], {
      durationSeconds: d,
    });
    return kali.kind === "ok" ? kali.report.upMbps / 1000 : kali.reason;
  } finally {
    await listener.stop();
  }
}

/** A kali listener in its own process. */
function kaliListener(ctx: Context, mode: "silent" | "echo", d: number) {
  return (port: number) =>
    startPeer(Deno.execPath(), [
      "run",
      "-A",
      ctx.main,
      "-l",
      `127.0.0.1:${port}`,
      "--listen-mode",
      mode,
      "-T",
      `${d + 20}s`,
    ], { port, lifetimeSeconds: d + 30 });
}

/** S12: the echo path against the sink path and against Deno's own echo. */
export const S12: Scenario = {
  id: "S12",
  title: "echo",
  async run(ctx) {
    const d = seconds(ctx.quick, 5, 2);
    const sink = await feed(ctx, d, kaliListener(ctx, "silent", d));
    const echo = await feed(ctx, d, kaliListener(ctx, "echo", d));
    const floor = await feed(
      ctx,
      d,
      (port) =>
        startPeer(Deno.execPath(), ["run", "--allow-net", ECHO_FLOOR, String(port)], {
          port,
          lifetimeSeconds: d + 30,
        }),
    );
    const value = (x: number | string) => typeof x === "number" ? x : null;
    const why = (...xs: (number | string)[]) => xs.filter((x) => typeof x === "string").join("; ");
    // The echo moves every byte twice (in and out); the sink once.
    const moved = value(echo) === null ? null : 2 * (echo as number);
    const base = { scenario: "S12", unit: "Gbit/s", digits: 2 };
    return [{
      ...base,
      what: "1 conn, 1 KiB msg into a kali sink (own process)",
      kali: value(sink),
      reference: null,
      referenceLabel: "",
      ratio: null,
      target: "—",
      met: null,
      note: why(sink) || undefined,
    }, {
      ...base,
      what: "same into --listen-mode echo, bytes in + out",
      kali: moved,
      reference: value(sink),
      referenceLabel: "kali sink, in",
      ratio: ratioOf(moved, value(sink)),
      target: "≥ 0.9×",
      met: ratioOf(moved, value(sink)) === null ? null : ratioOf(moved, value(sink))! >= 0.9,
      note: why(echo, sink) || `echoed ${(echo as number).toFixed(2)} Gbit/s each way`,
    }, {
      ...base,
      what: "same into --listen-mode echo vs a bare Deno echo",
      kali: value(echo),
      reference: value(floor),
      referenceLabel: "Deno echo loop",
      ratio: ratioOf(value(echo), value(floor)),
      target: "≥ 0.9×",
      met: ratioOf(value(echo), value(floor)) === null
        ? null
        : ratioOf(value(echo), value(floor))! >= 0.9,
      note: why(echo, floor) || undefined,
    }];
  },
};
