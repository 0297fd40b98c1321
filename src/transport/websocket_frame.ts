/**
 * RFC 6455 frame encoding: frame headers written into caller-supplied
 * buffers, in-place payload masking, and whole frames pre-rendered once for
 * write combining. No socket I/O and no allocation on the per-frame path.
 *
 * Frame byte 0 is `FIN | RSV1 | RSV2 | RSV3 | opcode`; byte 1 is
 * `MASK | length` with 126 / 127 announcing a 2- / 8-byte big-endian length;
 * a masked frame then carries its 4-byte masking key.
 *
 * @module
 */

/** Frame opcodes (RFC 6455 §5.2). */
export const Opcode = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

/** The FIN bit of frame byte 0. */
export const FIN = 0x80;
/** RSV1, in its frame-byte-0 position (tcpkali's `rsv1`). */
export const RSV1 = 0x40;
/** RSV2, in its frame-byte-0 position (tcpkali's `rsv2`). */
export const RSV2 = 0x20;
/** RSV3, in its frame-byte-0 position (tcpkali's `rsv3`). */
export const RSV3 = 0x10;
/** All three RSV bits. */
export const RSV_BITS = RSV1 | RSV2 | RSV3;
/** The MASK bit of frame byte 1. */
export const MASK_BIT = 0x80;
/** Largest payload of a control frame (close, ping, pong). */
export const MAX_CONTROL_PAYLOAD = 125;
/** Largest frame header: 2 + 8-byte length + 4-byte mask. */
export const MAX_FRAME_HEADER = 14;

/** Whether `opcode` is a control opcode (close, ping, pong or reserved 0xB–0xF). */
export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

/** What goes into one frame header. */
export interface FrameHeader {
  /** Final fragment of a message. */
  fin: boolean;
  /** RSV bits in their byte-0 positions (`RSV1 | RSV3`, …); 0 for none. */
  rsv: number;
  /** One of {@link Opcode} (or any 4-bit value when crafting bad frames). */
  opcode: number;
  /** Payload length in bytes (0 … 2^53 − 1). */
  length: number;
  /**
   * Masking key as an unsigned 32-bit number, written big-endian (the key's
   * first byte is `mask >>> 24`); `null` for an unmasked (server) frame.
   * tcpkali's clients use 0, which leaves the payload unchanged.
   */
  mask: number | null;
}

/** Header size in bytes for a payload of `length` bytes: 2, 4 or 10, plus 4 when masked. */
export function frameHeaderLength(length: number, masked: boolean): number {
  const base = length <= 125 ? 2 : length <= 0xffff ? 4 : 10;
  return masked ? base + 4 : base;
}

/**
 * Writes `header` into `out` at `at` and returns the number of header bytes
 * written (see {@link frameHeaderLength}). `out` must have room for them.
 */
export function writeFrameHeader(out: Uint8Array, at: number, header: FrameHeader): number {
  const { length, mask } = header;
  out[at] = (header.fin ? FIN : 0) | (header.rsv & RSV_BITS) | (header.opcode & 0x0f);
  const maskBit = mask === null ? 0 : MASK_BIT;
  let i = at + 1;
  if (length <= 125) {
    out[i++] = maskBit | length;
  } else if (length <= 0xffff) {
    out[i++] = maskBit | 126;
    out[i++] = length >>> 8;
    out[i++] = length & 0xff;
  } else {
    const high = Math.floor(length / 0x1_0000_0000);
    const low = length >>> 0;
    out[i++] = maskBit | 127;
    out[i++] = high >>> 24;
    out[i++] = (high >>> 16) & 0xff;
    out[i++] = (high >>> 8) & 0xff;
    out[i++] = high & 0xff;
    out[i++] = low >>> 24;
    out[i++] = (low >>> 16) & 0xff;
    out[i++] = (low >>> 8) & 0xff;
    out[i++] = low & 0xff;
  }
  if (mask !== null) {
    out[i++] = mask >>> 24;
    out[i++] = (mask >>> 16) & 0xff;
    out[i++] = (mask >>> 8) & 0xff;
    out[i++] = mask & 0xff;
  }
  return i - at;
}

/**
 * XORs `bytes[from, to)` in place with the masking key `mask` (big-endian,
 * as in {@link FrameHeader.mask}). `offset` is the position of `bytes[from]`
 * within the payload (only `offset % 4` matters), so a payload can be
 * (un)masked chunk by chunk. Returns the offset following the last byte.
 * Masking twice restores the bytes; a zero key is a no-op.
 */
export function maskInPlace(
  bytes: Uint8Array,
  from: number,
  to: number,
  mask: number,
  offset: number,
): number {
  const next = offset + (to - from);
  if (mask === 0) return next;
  // Rotate the key so that key byte 0 lines up with bytes[from].
  const shift = (offset & 3) * 8;
  const key = shift === 0 ? mask >>> 0 : ((mask << shift) | (mask >>> (32 - shift))) >>> 0;
  const k0 = key >>> 24;
  const k1 = (key >>> 16) & 0xff;
  const k2 = (key >>> 8) & 0xff;
  const k3 = key & 0xff;
  let i = from;
  const whole = from + ((to - from) & ~3);
  for (; i < whole; i += 4) {
    bytes[i] ^= k0;
    bytes[i + 1] ^= k1;
    bytes[i + 2] ^= k2;
    bytes[i + 3] ^= k3;
  }
  if (i < to) bytes[i++] ^= k0;
  if (i < to) bytes[i++] ^= k1;
  if (i < to) bytes[i] ^= k2;
  return next;
}

/** One complete frame to render. */
export interface FrameSpec {
  /** One of {@link Opcode}. */
  opcode: number;
  /** Payload in plaintext; it is copied, never modified. */
  payload: Uint8Array;
  /** Final fragment; default true. */
  fin?: boolean;
  /** RSV bits in byte-0 positions; default 0. */
  rsv?: number;
  /** Masking key (client frames), or null / absent for server frames. */
  mask?: number | null;
}

/** Total bytes of the frame described by `frame` (header + payload). */
export function frameLength(frame: FrameSpec): number {
  const masked = frame.mask !== undefined && frame.mask !== null;
  return frameHeaderLength(frame.payload.length, masked) + frame.payload.length;
}

/**
 * Writes the whole frame (header, then the payload masked with its key) into
 * `out` at `at` and returns the offset after it. Use it to lay several frames
 * back to back into one write-combined block.
 */
export function renderFrameInto(out: Uint8Array, at: number, frame: FrameSpec): number {
  const mask = frame.mask ?? null;
  const { payload } = frame;
  const start = at + writeFrameHeader(out, at, {
    fin: frame.fin ?? true,
    rsv: frame.rsv ?? 0,
    opcode: frame.opcode,
    length: payload.length,
    mask,
  });
  out.set(payload, start);
  const end = start + payload.length;
  if (mask !== null) maskInPlace(out, start, end, mask, 0);
  return end;
}

/** Renders one frame (header + masked payload) into a new buffer, once. */
export function renderFrame(frame: FrameSpec): Uint8Array {
  const out = new Uint8Array(frameLength(frame));
  renderFrameInto(out, 0, frame);
  return out;
}

/** Renders frames back to back into one block (for write combining). */
export function renderFrames(frames: readonly FrameSpec[]): Uint8Array {
  let total = 0;
  for (const frame of frames) total += frameLength(frame);
  const out = new Uint8Array(total);
  let at = 0;
  for (const frame of frames) at = renderFrameInto(out, at, frame);
  return out;
}

/** Opcodes by the names of tcpkali's `\{ws.<name>}` expressions. */
export const OPCODE_BY_NAME: Readonly<Record<string, number>> = {
  text: Opcode.text,
  binary: Opcode.binary,
  close: Opcode.close,
  ping: Opcode.ping,
  pong: Opcode.pong,
  cont: Opcode.continuation,
  continuation: Opcode.continuation,
};

/** RSV bits by the names of tcpkali's `\{ws.* rsv1 rsv2 rsv3}` flags. */
export const RSV_BY_NAME: Readonly<Record<string, number>> = { rsv1: RSV1, rsv2: RSV2, rsv3: RSV3 };

/**
 * The offset of the first frame boundary at or after `offset` in `buffer`,
 * a run of whole frames starting at 0 (a connection's pre-rendered first
 * messages or message block). A control frame may be written there without
 * splitting a frame. Bytes that do not parse as frames (`\{raw}` content)
 * count as one frame running to the end of the buffer.
 */
export function nextFrameBoundary(buffer: Uint8Array, offset: number): number {
  const end = buffer.length;
  if (offset <= 0) return 0;
  if (offset >= end) return end;
  let at = 0;
  while (at < offset) {
    if (at + 2 > end) return end;
    const b1 = buffer[at + 1];
    const len7 = b1 & 0x7f;
    const header = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + ((b1 & MASK_BIT) !== 0 ? 4 : 0);
    if (at + header > end) return end;
    let length = len7;
    if (len7 === 126) {
      length = (buffer[at + 2] << 8) | buffer[at + 3];
    } else if (len7 === 127) {
      const high = ((buffer[at + 2] << 24) | (buffer[at + 3] << 16) | (buffer[at + 4] << 8) |
        buffer[at + 5]) >>> 0;
      const low = ((buffer[at + 6] << 24) | (buffer[at + 7] << 16) | (buffer[at + 8] << 8) |
        buffer[at + 9]) >>> 0;
      length = high * 0x1_0000_0000 + low;
    }
    at += header + length;
  }
  return at < end ? at : end;
}
