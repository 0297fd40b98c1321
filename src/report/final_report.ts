/**
 * tcpkali's final report lines, byte for byte.
 *
 * @module
 */
import { C } from "../stats/counters.ts";
import { byteSize, formatFixed, g } from "../shared/format.ts";
import { MSS } from "../shared/tcp.ts";
import type { RunResult } from "../stats/result.ts";
import { measuredLatencyLines } from "./latency_lines.ts";
import { workloadLines } from "./workload_lines.ts";

/** What the report is computed from. */
export interface ReportInput {
  /** Steady-phase counters (cumulative ones minus the baseline). */
  counters: Float64Array;
  /** Steady-phase length in seconds. */
  durationSeconds: number;
  /** Print the message-rate line (marker mode). */
  messageRate: boolean;
  /** Latency lines, already formatted, in tcpkali's order. */
  latencyLines: string[];
}

function mssPerOp(bytes: number, ops: number): number {
  if (ops === 0) return 0;
  return Math.ceil(Math.floor(bytes / ops) / MSS);
}

/** Every figure of the final report, unformatted (the JSON result uses them too). */
export interface ReportFigures {
  bytesSent: number;
  bytesReceived: number;
  bandwidthPerChannelMbps: number;
  bandwidthPerChannelKBps: number;
  aggregateBandwidthInMbps: number;
  aggregateBandwidthOutMbps: number;
  messageRateIn: number;
  messageRateOut: number;
  packetRateIn: number;
  packetRateOut: number;
  mssPerOpIn: number;
  mssPerOpOut: number;
}

/** Computes the report's figures as tcpkali defines them. */
export function reportFigures(counters: Float64Array, durationSeconds: number): ReportFigures {
  const c = counters;
  const d = durationSeconds > 0 ? durationSeconds : 1e-9;
  const sent = c[C.bytesSent];
  const received = c[C.bytesReceived];
  // Open connections when the run ended; connecting ones excluded; 1 if none.
  const conns = c[C.openIn] + c[C.openOut] || 1;
  const perChannel = (sent + received) / d / conns;
  const mssIn = mssPerOp(received, c[C.reads]);
  const mssOut = mssPerOp(sent, c[C.writes]);
  return {
    bytesSent: sent,
    bytesReceived: received,
    bandwidthPerChannelMbps: (8 * perChannel) / 1e6,
    bandwidthPerChannelKBps: perChannel / 1000,
    aggregateBandwidthInMbps: (8 * received) / d / 1e6,
    aggregateBandwidthOutMbps: (8 * sent) / d / 1e6,
    messageRateIn: c[C.messagesReceived] / d,
    messageRateOut: c[C.messagesSent] / d,
    packetRateIn: (mssIn * c[C.reads]) / d,
    packetRateOut: (mssOut * c[C.writes]) / d,
    mssPerOpIn: mssIn,
    mssPerOpOut: mssOut,
  };
}

/** The report lines for stdout. */
export function finalReport(input: ReportInput): string[] {
  const f = reportFigures(input.counters, input.durationSeconds);
  const lines = [
    `Total data sent:     ${byteSize(f.bytesSent)} (${f.bytesSent} bytes)`,
    `Total data received: ${byteSize(f.bytesReceived)} (${f.bytesReceived} bytes)`,
    `Bandwidth per channel: ${formatFixed(f.bandwidthPerChannelMbps, 3)}⇅ Mbps (${
      formatFixed(f.bandwidthPerChannelKBps, 1)
    } kBps)`,
    `Aggregate bandwidth: ${formatFixed(f.aggregateBandwidthInMbps, 3)}↓, ${
      formatFixed(f.aggregateBandwidthOutMbps, 3)
    }↑ Mbps`,
  ];
  if (input.messageRate) {
    lines.push(
      `Aggregate message rate: ${formatFixed(f.messageRateIn, 3)}↓, ${
        formatFixed(f.messageRateOut, 3)
      }↑ mps`,
    );
  }
  lines.push(
    `Packet rate estimate: ${formatFixed(f.packetRateIn, 1)}↓, ${
      formatFixed(f.packetRateOut, 1)
    }↑ (${f.mssPerOpIn}↓, ${f.mssPerOpOut}↑ TCP MSS/op)`,
  );
  lines.push(...input.latencyLines);
  lines.push(`Test duration: ${g(input.durationSeconds)} s.`);
  return lines;
}

/**
 * The report of a run's result: tcpkali's lines (`messageRate`: marker
 * mode's message-rate line), then kali's workload lines.
 */
export function resultReport(result: RunResult, messageRate: boolean): string[] {
  return [
    ...finalReport({
      counters: result.counters,
      durationSeconds: result.durationSeconds,
      messageRate,
      latencyLines: measuredLatencyLines(result.histograms, result.percentiles),
    }),
    ...workloadLines(result),
  ];
}
