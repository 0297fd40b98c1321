/**
 * The `\{message.marker}` wire format: `TCPKaliMsgTS-<16 lowercase hex
 * digits of µs since the Unix epoch>.` (30 bytes).
 *
 * @module
 */

/** What a marker starts with; receivers search for it. */
export const MARKER_PREFIX = "TCPKaliMsgTS-";

/** Length of one marker in bytes. */
export const MARKER_BYTES = 30;

/** Offset of the 16 hex digits inside a marker. */
export const MARKER_DIGITS_AT = MARKER_PREFIX.length;

/** A marker as the template holds it, before stamping. */
export const MARKER_TEMPLATE: Uint8Array = new TextEncoder().encode(
  `${MARKER_PREFIX}0000000000000000.`,
);

const HEX_DIGITS = new TextEncoder().encode("0123456789abcdef");

/** Writes `epochMicros` as 16 lowercase hex digits into `target[at…at+16)`. */
export function writeMarkerDigits(target: Uint8Array, at: number, epochMicros: number): void {
  let high = Math.floor(epochMicros / 4294967296) >>> 0;
  let low = epochMicros >>> 0;
  for (let i = 15; i >= 8; i--) {
    target[at + i] = HEX_DIGITS[low & 15];
    low >>>= 4;
  }
  for (let i = 7; i >= 0; i--) {
    target[at + i] = HEX_DIGITS[high & 15];
    high >>>= 4;
  }
}

/** A marker stamped with `epochMicros`, as a string (for tests and tools). */
export function formatMarker(epochMicros: number): string {
  const digits = new Uint8Array(16);
  writeMarkerDigits(digits, 0, epochMicros);
  return `${MARKER_PREFIX}${new TextDecoder().decode(digits)}.`;
}

/** Current wall-clock time in microseconds since the Unix epoch. */
export function epochMicrosNow(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}
