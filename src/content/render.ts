/**
 * Renders a bound program into a byte buffer, recording where message
 * markers start so they can be stamped before each write. A program is
 * compiled once into a {@linkcode MessageRenderer}; rendering a message then
 * makes room once and writes straight into the buffer, allocating nothing.
 *
 * @module
 */
import type { ByteWriter, OffsetList } from "./buffers.ts";
import { MARKER_TEMPLATE } from "./marker.ts";
import type { Op } from "./program.ts";
import type { Random } from "./random.ts";
import { compileRegex } from "./regex_generate.ts";
import {
  type FrameHeader,
  frameHeaderLength,
  MAX_FRAME_HEADER as MAX_FRAME_HEADER_BYTES,
  writeFrameHeader,
} from "../transport/websocket_frame.ts";

/** Appends one rendering; `out` must have room for it already. */
type RenderStep = (random: Random, out: ByteWriter, markers: OffsetList) => void;

/** A compiled program: renders one message at a time. */
export interface MessageRenderer {
  /** Most bytes one rendering takes (room made before each `render`). */
  readonly maxBytes: number;
  /** Appends one rendering to `out` (growing it if needed); marker offsets go to `markers`. */
  render(random: Random, out: ByteWriter, markers: OffsetList): void;
}

/** Compiles bound ops (no `uid`/`ptr`/`connection.re`) into a renderer. */
export function compileRender(ops: Op[]): MessageRenderer {
  const { step, maxBytes } = compileSteps(ops);
  return {
    maxBytes,
    render(random, out, markers) {
      out.ensure(maxBytes);
      step(random, out, markers);
    },
  };
}

/**
 * Appends one rendering of `ops` to `out`; marker start offsets go to
 * `markers`. Ops must be bound (no `uid`/`ptr`/`connection.re`).
 */
export function renderOps(ops: Op[], random: Random, out: ByteWriter, markers: OffsetList): void {
  compileRender(ops).render(random, out, markers);
}

function compileSteps(ops: Op[]): { step: RenderStep; maxBytes: number } {
  const steps = ops.map(compileStep);
  const maxBytes = steps.reduce((sum, s) => sum + s.maxBytes, 0);
  if (steps.length === 1) return steps[0];
  const each = steps.map((s) => s.step);
  return {
    maxBytes,
    step: (random, out, markers) => {
      for (let i = 0; i < each.length; i++) each[i](random, out, markers);
    },
  };
}

function compileStep(op: Op): { step: RenderStep; maxBytes: number } {
  switch (op.op) {
    case "bytes":
      return { maxBytes: op.bytes.length, step: appendStep(op.bytes) };
    case "regex": {
      const { emit, maxBytes } = compileRegex(op.regex);
      return { maxBytes, step: emit };
    }
    case "marker": {
      const template = appendStep(MARKER_TEMPLATE);
      return {
        maxBytes: MARKER_TEMPLATE.length,
        step: (random, out, markers) => {
          markers.push(out.length);
          template(random, out, markers);
        },
      };
    }
    case "textFrame":
      return compileTextFrame(op);
    default:
      throw new Error(`content op ${op.op} must be bound to a connection before rendering`);
  }
}

/** Copies `bytes`: short runs byte by byte (cheaper than a `set` call). */
function appendStep(bytes: Uint8Array): RenderStep {
  const n = bytes.length;
  if (n > 32) {
    return (_random, out) => {
      out.bytes.set(bytes, out.length);
      out.length += n;
    };
  }
  return (_random, out) => {
    const target = out.bytes;
    let at = out.length;
    for (let i = 0; i < n; i++) target[at++] = bytes[i];
    out.length = at;
  };
}

/** A `--ws` text frame around varying content: header reserved, then fitted. */
function compileTextFrame(op: Extract<Op, { op: "textFrame" }>) {
  const inner = compileSteps(op.ops);
  const masked = op.masked;
  const reserve = masked ? MAX_FRAME_HEADER_BYTES : MAX_FRAME_HEADER_BYTES - 4;
  const header: FrameHeader = { opcode: 1, fin: true, rsv: 0, length: 0, mask: masked ? 0 : null };
  const step: RenderStep = (random, out, markers) => {
    const headerAt = out.length;
    out.length += reserve;
    const firstMarker = markers.count;
    inner.step(random, out, markers);
    const payloadLength = out.length - headerAt - reserve;
    const headerLength = frameHeaderLength(payloadLength, masked);
    if (headerLength !== reserve) {
      const shift = reserve - headerLength;
      out.bytes.copyWithin(headerAt + headerLength, headerAt + reserve, out.length);
      out.length -= shift;
      for (let i = firstMarker; i < markers.count; i++) markers.offsets[i] -= shift;
    }
    header.length = payloadLength;
    writeFrameHeader(out.bytes, headerAt, header);
  };
  return { step, maxBytes: inner.maxBytes + reserve };
}
