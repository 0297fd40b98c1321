/**
 * WebSocket close frames: status codes, building a close frame for the
 * close handshake at the end of a run, and reading a received close payload.
 *
 * @module
 */
import { MAX_CONTROL_PAYLOAD, Opcode, renderFrame } from "./websocket_frame.ts";

/** Close status codes used by kali (RFC 6455 §7.4.1). */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  unsupportedData: 1003,
  /** Reserved: "no status code present"; never sent on the wire. */
  noStatus: 1005,
  /** Reserved: "closed without a close frame"; never sent on the wire. */
  abnormal: 1006,
  invalidPayload: 1007,
  policyViolation: 1008,
  messageTooBig: 1009,
  mandatoryExtension: 1010,
  internalError: 1011,
} as const;

/**
 * Whether `code` may appear in a close frame: 1000–1003, 1007–1014
 * (registered), or 3000–4999 (libraries and applications).
 */
export function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999);
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/** Longest UTF-8 prefix of `bytes` that fits in `limit` bytes without splitting a character. */
function utf8Prefix(bytes: Uint8Array, limit: number): Uint8Array {
  if (bytes.length <= limit) return bytes;
  let end = limit;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/**
 * The payload of a close frame: the 2-byte big-endian `code` followed by the
 * UTF-8 `reason`, cut at a character boundary to fit 125 bytes. Without a
 * code the payload is empty (and `reason` is ignored, as RFC 6455 requires).
 */
export function closePayload(code?: number, reason = ""): Uint8Array {
  if (code === undefined) return new Uint8Array(0);
  if (!isValidCloseCode(code)) throw new RangeError(`invalid WebSocket close code ${code}`);
  const text = utf8Prefix(encoder.encode(reason), MAX_CONTROL_PAYLOAD - 2);
  const payload = new Uint8Array(2 + text.length);
  payload[0] = code >>> 8;
  payload[1] = code & 0xff;
  payload.set(text, 2);
  return payload;
}

/** Options for {@link buildCloseFrame}. */
export interface CloseFrameOptions {
  /** Status code; absent for an empty close frame. */
  code?: number;
  /** Reason text, UTF-8, truncated to fit (123 bytes at most). */
  reason?: string;
  /** `client` frames are masked, `server` frames are not. */
  side: "client" | "server";
  /** Masking key for client frames; default 0 (tcpkali's all-zero mask). */
  mask?: number;
}

/** A complete close frame (FIN, opcode 8), masked when sent by a client. */
export function buildCloseFrame(options: CloseFrameOptions): Uint8Array {
  return renderFrame({
    opcode: Opcode.close,
    payload: closePayload(options.code, options.reason),
    mask: options.side === "client" ? (options.mask ?? 0) : null,
  });
}

/** A received close payload, decoded. */
export interface ClosePayload {
  /** The status code, or 1005 (noStatus) for an empty payload. */
  code: number;
  /** The reason text ("" when absent). */
  reason: string;
}

/**
 * Decodes an (unmasked) close payload. Returns the close code to answer
 * with when it is malformed: 1002 for a 1-byte payload or a code that may
 * not be sent, 1007 for a reason that is not UTF-8.
 */
export function parseClosePayload(payload: Uint8Array): ClosePayload | number {
  if (payload.length === 0) return { code: CloseCode.noStatus, reason: "" };
  if (payload.length === 1) return CloseCode.protocolError;
  const code = (payload[0] << 8) | payload[1];
  if (!isValidCloseCode(code)) return CloseCode.protocolError;
  try {
    return { code, reason: strictDecoder.decode(payload.subarray(2)) };
  } catch {
    return CloseCode.invalidPayload;
  }
}
