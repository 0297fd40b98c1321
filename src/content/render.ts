/**
 * Renders a bound program into a byte buffer, recording where message
 * markers start so they can be stamped before each write.
 *
 * @module
 */
import type { ByteWriter, OffsetList } from "./buffers.ts";
import { MARKER_TEMPLATE } from "./marker.ts";
import type { Op } from "./program.ts";
import type { Random } from "./random.ts";
import { generateRegex } from "./regex_generate.ts";
import {
  frameHeaderLength,
  MAX_FRAME_HEADER as MAX_FRAME_HEADER_BYTES,
  writeFrameHeader,
} from "../transport/websocket_frame.ts";

/**
 * Appends one rendering of `ops` to `out`; marker start offsets go to
 * `markers`. Ops must be bound (no `uid`/`ptr`/`connection.re`).
 */
export function renderOps(ops: Op[], random: Random, out: ByteWriter, markers: OffsetList): void {
  for (const op of ops) {
    switch (op.op) {
      case "bytes":
        out.append(op.bytes);
        break;
      case "regex":
        generateRegex(op.regex, random, out);
        break;
      case "marker":
        markers.push(out.length);
        out.append(MARKER_TEMPLATE);
        break;
      case "textFrame":
        renderTextFrame(op, random, out, markers);
        break;
      default:
        throw new Error(`content op ${op.op} must be bound to a connection before rendering`);
    }
  }
}

function renderTextFrame(
  op: Extract<Op, { op: "textFrame" }>,
  random: Random,
  out: ByteWriter,
  markers: OffsetList,
): void {
  const reserve = op.masked ? MAX_FRAME_HEADER_BYTES : MAX_FRAME_HEADER_BYTES - 4;
  const headerAt = out.length;
  out.ensure(reserve);
  out.length += reserve;
  const firstMarker = markers.count;
  renderOps(op.ops, random, out, markers);
  const payloadLength = out.length - headerAt - reserve;
  const headerLength = frameHeaderLength(payloadLength, op.masked);
  if (headerLength !== reserve) {
    const shift = reserve - headerLength;
    out.bytes.copyWithin(headerAt + headerLength, headerAt + reserve, out.length);
    out.length -= shift;
    for (let i = firstMarker; i < markers.count; i++) markers.offsets[i] -= shift;
  }
  writeFrameHeader(out.bytes, headerAt, {
    opcode: 1,
    fin: true,
    rsv: 0,
    length: payloadLength,
    mask: op.masked ? 0 : null,
  });
}
