/**
 * tcpkali's `-e` backslash unescaping, byte for byte (including its quirk
 * that `\\` stays two backslashes).
 *
 * @module
 */

const SIMPLE: Record<number, number> = {
  0x6e: 0x0a, // \n
  0x72: 0x0d, // \r
  0x66: 0x0c, // \f
  0x62: 0x08, // \b
};

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  return -1;
}

function isOctal(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x37;
}

/** Unescapes `input` the way tcpkali's -e does. */
export function unescape(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.length);
  let o = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i];
    if (byte !== 0x5c || i + 1 === input.length) {
      out[o++] = byte;
      continue;
    }
    const next = input[++i];
    if (next === 0x5c) {
      out[o++] = 0x5c;
      out[o++] = 0x5c;
    } else if (next in SIMPLE) {
      out[o++] = SIMPLE[next];
    } else if (next === 0x78) { // \x + 1-2 hex digits
      const h1 = i + 1 < input.length ? hexValue(input[i + 1]) : -1;
      if (h1 < 0) {
        out[o++] = 0x5c;
        out[o++] = 0x78;
        continue;
      }
      i++;
      const h2 = i + 1 < input.length ? hexValue(input[i + 1]) : -1;
      if (h2 < 0) {
        out[o++] = h1;
      } else {
        i++;
        out[o++] = h1 * 16 + h2;
      }
    } else if (next === 0x30) { // \0 + up to 3 octal digits
      let value = 0;
      let digits = 0;
      while (digits < 3 && i + 1 < input.length && isOctal(input[i + 1])) {
        value = value * 8 + input[++i] - 0x30;
        digits++;
      }
      out[o++] = value & 0xff;
    } else {
      out[o++] = next;
    }
  }
  return out.slice(0, o);
}
