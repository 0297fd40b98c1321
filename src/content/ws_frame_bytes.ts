/**
 * WebSocket frame headers for content (`\{ws.*}` expressions and the text
 * frames of `--ws` mode), byte-exact with tcpkali: client frames carry the
 * mask bit and a mask of four zero bytes, server frames no mask.
 *
 * TODO: merge with the full codec in src/transport/websocket_frame.ts.
 *
 * @module
 */

/** Frame opcodes by the names the expression language uses. */
export const OPCODES: Readonly<Record<string, number>> = {
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
  cont: 0x0,
  continuation: 0x0,
};

/** RSV bits by name. */
export const RSV_BITS: Readonly<Record<string, number>> = { rsv1: 0x40, rsv2: 0x20, rsv3: 0x10 };

/** What a frame header encodes. */
export interface FrameHeader {
  /** Opcode, 0..15. */
  opcode: number;
  /** FIN bit (false for `...` fragments). */
  fin: boolean;
  /** RSV bits already in position (0x40, 0x20, 0x10 or'ed). */
  rsv: number;
  /** Client frames are masked (with an all-zero mask). */
  masked: boolean;
  /** Payload length in bytes. */
  payloadLength: number;
}

/** Largest header: 2 + 8 length bytes + 4 mask bytes. */
export const MAX_FRAME_HEADER_BYTES = 14;

/** Header size for a payload of `payloadLength` bytes. */
export function frameHeaderLength(payloadLength: number, masked: boolean): number {
  const lengthBytes = payloadLength <= 125 ? 0 : payloadLength <= 65535 ? 2 : 8;
  return 2 + lengthBytes + (masked ? 4 : 0);
}

/** Writes the header at `target[at]`; returns the number of bytes written. */
export function writeFrameHeader(target: Uint8Array, at: number, header: FrameHeader): number {
  const { payloadLength: length, masked } = header;
  target[at] = (header.fin ? 0x80 : 0) | header.rsv | (header.opcode & 0x0f);
  const maskBit = masked ? 0x80 : 0;
  let i = at + 2;
  if (length <= 125) {
    target[at + 1] = maskBit | length;
  } else if (length <= 65535) {
    target[at + 1] = maskBit | 126;
    target[i++] = length >>> 8;
    target[i++] = length & 0xff;
  } else {
    target[at + 1] = maskBit | 127;
    const high = Math.floor(length / 4294967296);
    const low = length >>> 0;
    for (let shift = 24; shift >= 0; shift -= 8) target[i++] = (high >>> shift) & 0xff;
    for (let shift = 24; shift >= 0; shift -= 8) target[i++] = (low >>> shift) & 0xff;
  }
  if (masked) {
    target.fill(0, i, i + 4);
    i += 4;
  }
  return i - at;
}

/** A complete frame: header followed by the (unchanged, zero-masked) payload. */
export function encodeFrame(
  header: Omit<FrameHeader, "payloadLength">,
  payload: Uint8Array,
): Uint8Array {
  const full = { ...header, payloadLength: payload.length };
  const frame = new Uint8Array(frameHeaderLength(payload.length, header.masked) + payload.length);
  const headerLength = writeFrameHeader(frame, 0, full);
  frame.set(payload, headerLength);
  return frame;
}
