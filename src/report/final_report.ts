/**
 * tcpkali's final report lines, byte for byte.
 *
 * @module
 */
import { C } from "../stats/counters.ts";
import { byteSize, g } from "./format.ts";
import { MSS } from "../engine/connection.ts";

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

/** The report lines for stdout. */
export function finalReport(input: ReportInput): string[] {
  const c = input.counters;
  const d = input.durationSeconds > 0 ? input.durationSeconds : 1e-9;
  const sent = c[C.bytesSent];
  const received = c[C.bytesReceived];
  const conns = c[C.openIn] + c[C.openOut] || 1;
  const perChannel = (sent + received) / d / conns;
  const mssIn = mssPerOp(received, c[C.reads]);
  const mssOut = mssPerOp(sent, c[C.writes]);
  const lines = [
    `Total data sent:     ${byteSize(sent)} (${sent} bytes)`,
    `Total data received: ${byteSize(received)} (${received} bytes)`,
    `Bandwidth per channel: ${(8 * perChannel / 1e6).toFixed(3)}⇅ Mbps (${
      (perChannel / 1000).toFixed(1)
    } kBps)`,
    `Aggregate bandwidth: ${(8 * received / d / 1e6).toFixed(3)}↓, ${
      (8 * sent / d / 1e6).toFixed(3)
    }↑ Mbps`,
  ];
  if (input.messageRate) {
    lines.push(
      `Aggregate message rate: ${(c[C.messagesReceived] / d).toFixed(3)}↓, ${
        (c[C.messagesSent] / d).toFixed(3)
      }↑ mps`,
    );
  }
  lines.push(
    `Packet rate estimate: ${(mssIn * c[C.reads] / d).toFixed(1)}↓, ${
      (mssOut * c[C.writes] / d).toFixed(1)
    }↑ (${mssIn}↓, ${mssOut}↑ TCP MSS/op)`,
  );
  lines.push(...input.latencyLines);
  lines.push(`Test duration: ${g(input.durationSeconds)} s.`);
  return lines;
}
