/**
 * Cost of kali's latency bookkeeping on one core, in messages per second:
 * the real `--latency-marker` tap (send-time FIFO push per message, streaming
 * marker scan of the answers, FIFO pop and two histogram records per
 * answer) and the marker-mode tap (timestamp parse + record), fed from
 * memory in read-sized chunks, with no sockets involved.
 *
 *   deno run -A scripts/bench_latency.ts
 *
 * @module
 */
import type { Connection } from "../src/engine/connection.ts";
import { WorkerLatency } from "../src/engine/latency_recorder.ts";
import { MarkerScanner } from "../src/engine/marker_scanner.ts";
import { formatMarker } from "../src/content/marker.ts";
import { compileConnectionLiteral } from "../src/content/template.ts";
import type { MessageSource } from "../src/content/types.ts";
import type { LatencyPlan } from "../src/plan.ts";
import { C, newCounters } from "../src/stats/counters.ts";

const encoder = new TextEncoder();
const READ = 16384;

function plan(overrides: Partial<LatencyPlan>): LatencyPlan {
  return {
    connect: false,
    firstByte: false,
    marker: null,
    markerSkip: 0,
    messageMarker: false,
    percentiles: [],
    rateSearch: null,
    corrected: false,
    ...overrides,
  };
}

function blockOf(message: string, bytes: number, count?: number): Uint8Array {
  const one = encoder.encode(message);
  const block = new Uint8Array((count ?? Math.floor(bytes / one.length)) * one.length);
  for (let at = 0; at < block.length; at += one.length) block.set(one, at);
  return block;
}

/** A connection as a send tap sees it: paced, message due 1 ms ago. */
const connection = {
  intendedSendTime: () => performance.now() - 1,
} as unknown as Connection;

function benchLatencyMarker(request: string, answer: string, corrected: boolean): number {
  const block = blockOf(request, 65536);
  const replies = blockOf(answer, 0, block.length / request.length);
  const source: MessageSource = {
    first: new Uint8Array(0),
    messageSize: request.length,
    block,
    refill() {},
  };
  const recorder = new WorkerLatency(
    plan({
      marker: compileConnectionLiteral("PONG", { unescape: false, origin: "--latency-marker" }),
      corrected,
    }),
    newCounters(),
    (error) => {
      throw error;
    },
  );
  const [tap] = recorder.tapsFor(source, 0, 1).taps;
  const perBlock = block.length / request.length;
  let messages = 0;
  const start = performance.now();
  while (performance.now() - start < 2000) {
    const now = performance.now();
    tap.sent!(connection, block, 0, block.length, now);
    for (let at = 0; at < replies.length; at += READ) {
      const chunk = replies.subarray(at, Math.min(at + READ, replies.length));
      tap.received!(connection, chunk, chunk.length, now + 0.2);
    }
    messages += perBlock;
  }
  return messages / ((performance.now() - start) / 1000);
}

function benchMessageMarker(): number {
  const stamped = blockOf(`X${formatMarker(Date.now() * 1000)}`, 65536);
  const counters = newCounters();
  const recorder = new WorkerLatency(plan({ messageMarker: true }), counters, (error) => {
    throw error;
  });
  const [tap] = recorder.tapsFor(null, 0, 1).taps;
  const start = performance.now();
  while (performance.now() - start < 2000) {
    const now = performance.now();
    for (let at = 0; at < stamped.length; at += READ) {
      const chunk = stamped.subarray(at, Math.min(at + READ, stamped.length));
      tap.received!(connection, chunk, chunk.length, now);
    }
  }
  return counters[C.messagesReceived] / ((performance.now() - start) / 1000);
}

function benchScanOnly(): number {
  const replies = blockOf("+PONG\r\n", 65536);
  const scanner = new MarkerScanner(encoder.encode("PONG"));
  let found = 0;
  const start = performance.now();
  while (performance.now() - start < 2000) {
    for (let at = 0; at < replies.length; at += READ) {
      found += scanner.count(replies, at, Math.min(at + READ, replies.length));
    }
  }
  return found / ((performance.now() - start) / 1000);
}

const format = (rate: number) => `${(rate / 1e6).toFixed(2)} M msg/s`;
console.log(`marker scan only (PONG in +PONG\\r\\n):          ${format(benchScanOnly())}`);
console.log(
  `--latency-marker (push, scan, pop, record):      ${
    format(benchLatencyMarker("PING\r\n", "+PONG\r\n", false))
  }`,
);
console.log(
  `--latency-marker + corrected (two records):      ${
    format(benchLatencyMarker("PING\r\n", "+PONG\r\n", true))
  }`,
);
console.log(`marker mode (\\{message.marker} parse, record):   ${format(benchMessageMarker())}`);
