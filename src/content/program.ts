/**
 * Turns parsed content into a render program for one side (client frames
 * masked, server frames not) and one mode (`--ws` wraps literal runs into
 * text frames), and binds it to a connection.
 *
 * @module
 */
import { ByteWriter, concatBytes } from "./buffers.ts";
import { regexSizes, type SizeRange } from "./regex.ts";
import { generateRegex } from "./regex_generate.ts";
import type { Random } from "./random.ts";
import type { ContentPart, RegexNode } from "./types.ts";
import { frameHeaderLength, renderFrame } from "../transport/websocket_frame.ts";
import { MARKER_BYTES } from "./marker.ts";

/** One step of rendering. */
export type Op =
  | { op: "bytes"; bytes: Uint8Array }
  | { op: "uid"; modulo: number[] }
  | { op: "ptr"; modulo: number[] }
  | { op: "regex"; scope: "message" | "connection"; regex: RegexNode }
  | { op: "marker" }
  /** A `--ws` text frame around content that is not constant yet. */
  | { op: "textFrame"; masked: boolean; ops: Op[] };

/** How a program is built. */
export interface ProgramOptions {
  /** `--ws`: wrap each maximal run of non-frame, non-raw content in a text frame. */
  websocket: boolean;
  /** Client side: frames carry the mask bit and a zero mask. */
  masked: boolean;
}

/** Builds the program for a list of parsed arguments, in order. */
export function buildProgram(segments: ContentPart[][], options: ProgramOptions): Op[] {
  const ops: Op[] = [];
  for (const parts of segments) {
    let run: Op[] = [];
    const closeRun = () => {
      if (run.length > 0) {
        ops.push(...simplify([{ op: "textFrame", masked: options.masked, ops: run }]));
      }
      run = [];
    };
    for (const part of parts) {
      if (part.type === "frame") {
        closeRun();
        ops.push({
          op: "bytes",
          bytes: renderFrame({ ...part.frame, mask: options.masked ? 0 : null }),
        });
      } else if (options.websocket && !part.raw) {
        run.push(partOp(part));
      } else {
        closeRun();
        ops.push(partOp(part));
      }
    }
    closeRun();
  }
  return simplify(ops);
}

function partOp(part: Exclude<ContentPart, { type: "frame" }>): Op {
  switch (part.type) {
    case "bytes":
      return { op: "bytes", bytes: part.bytes };
    case "uid":
    case "ptr":
      return { op: part.type, modulo: part.modulo };
    case "regex":
      return { op: "regex", scope: part.scope, regex: part.regex };
    case "marker":
      return { op: "marker" };
  }
}

/** What a connection contributes to its content. */
export interface ConnectionBinding {
  /** `connection.uid`. */
  uid: number;
  /** `connection.ptr` value. */
  pointer: number;
  /** Draws `connection.re` values. */
  random: Random;
}

const encoder = new TextEncoder();

/** Resolves `connection.*` for one connection and folds constants. */
export function bindConnection(ops: Op[], binding: ConnectionBinding): Op[] {
  return simplify(ops.map((op): Op => {
    switch (op.op) {
      case "uid":
        return { op: "bytes", bytes: encoder.encode(numeric(binding.uid, op.modulo, false)) };
      case "ptr":
        return { op: "bytes", bytes: encoder.encode(numeric(binding.pointer, op.modulo, true)) };
      case "regex": {
        if (op.scope === "message") return op;
        const out = new ByteWriter();
        generateRegex(op.regex, binding.random, out);
        return { op: "bytes", bytes: out.copy() };
      }
      case "textFrame":
        return { ...op, ops: bindConnection(op.ops, binding) };
      default:
        return op;
    }
  }));
}

/** Decimal of `value % m1 % m2 …`; a bare pointer prints as C `%p` does. */
function numeric(value: number, modulo: number[], pointer: boolean): string {
  if (modulo.length === 0) return pointer ? `0x${value.toString(16)}` : String(value);
  return String(modulo.reduce((v, m) => v % m, value));
}

/** Encodes text frames whose content is constant and merges adjacent bytes. */
function simplify(ops: Op[]): Op[] {
  const out: Op[] = [];
  for (let op of ops) {
    if (op.op === "textFrame") {
      const inner = simplify(op.ops);
      op = inner.every((o) => o.op === "bytes")
        ? {
          op: "bytes",
          bytes: renderFrame({ opcode: 1, payload: concat(inner), mask: op.masked ? 0 : null }),
        }
        : { ...op, ops: inner };
    }
    const last = out[out.length - 1];
    if (op.op === "bytes" && last?.op === "bytes") {
      out[out.length - 1] = { op: "bytes", bytes: concat([last, op]) };
    } else if (op.op !== "bytes" || op.bytes.length > 0) {
      out.push(op);
    }
  }
  return out;
}

function concat(ops: Op[]): Uint8Array {
  return concatBytes(ops.map((o) => (o.op === "bytes" ? o.bytes : new Uint8Array(0))));
}

/** Whether any op satisfies `test`, looking inside text frames. */
export function someOp(ops: Op[], test: (op: Op) => boolean): boolean {
  return ops.some((op) => test(op) || (op.op === "textFrame" && someOp(op.ops, test)));
}

/** Whether the program renders the same bytes every time. */
export function isConstant(ops: Op[]): boolean {
  return ops.every((op) => op.op === "bytes");
}

/** Whether some part must be drawn afresh for every message (`re`). */
export function regeneratesPerMessage(ops: Op[]): boolean {
  return someOp(ops, (op) => op.op === "regex" && op.scope === "message");
}

/** Whether rendering depends on the connection (`connection.*`). */
export function dependsOnConnection(ops: Op[]): boolean {
  return someOp(
    ops,
    (op) => op.op === "uid" || op.op === "ptr" || (op.op === "regex" && op.scope === "connection"),
  );
}

/** Size range of one rendering. uid/ptr sizes are estimates. */
export function programSizes(ops: Op[]): SizeRange {
  const total = { min: 0, avg: 0, max: 0 };
  for (const op of ops) {
    const s = opSizes(op);
    total.min += s.min;
    total.avg += s.avg;
    total.max += s.max;
  }
  return total;
}

function opSizes(op: Op): SizeRange {
  switch (op.op) {
    case "bytes":
      return { min: op.bytes.length, avg: op.bytes.length, max: op.bytes.length };
    case "uid":
    case "ptr": {
      if (op.modulo.length === 0) {
        return op.op === "uid" ? { min: 1, avg: 1, max: 16 } : { min: 3, avg: 14, max: 18 };
      }
      const digits = String(op.modulo[op.modulo.length - 1] - 1).length;
      return { min: 1, avg: digits, max: digits };
    }
    case "regex":
      return regexSizes(op.regex);
    case "marker":
      return { min: MARKER_BYTES, avg: MARKER_BYTES, max: MARKER_BYTES };
    case "textFrame": {
      const inner = programSizes(op.ops);
      return {
        min: inner.min + frameHeaderLength(inner.min, op.masked),
        avg: inner.avg + frameHeaderLength(inner.avg, op.masked),
        max: inner.max + frameHeaderLength(inner.max, op.masked),
      };
    }
  }
}
