/**
 * SHA-1 (FIPS 180-4) of a short byte string, synchronously: the WebSocket
 * accept key is computed inside a connection's handshake step, where Web
 * Crypto's digest (a promise) does not fit and node:crypto would load
 * Deno's Node compatibility layer, megabytes per isolate. Not for bulk data.
 *
 * @module
 */

/** The 20-byte SHA-1 digest of `message`. */
export function sha1(message: Uint8Array): Uint8Array {
  const bitLength = message.length * 8;
  // The message, 0x80, zeros, and the 64-bit length: a multiple of 64 bytes.
  const padded = new Uint8Array(Math.ceil((message.length + 9) / 64) * 64);
  padded.set(message);
  padded[message.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bitLength / 2 ** 32));
  view.setUint32(padded.length - 4, bitLength >>> 0);
  const h = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
  const w = new Uint32Array(80);
  for (let block = 0; block < padded.length; block += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(block + t * 4);
    for (let t = 16; t < 80; t++) w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
    compress(h, w);
  }
  const digest = new Uint8Array(20);
  const out = new DataView(digest.buffer);
  for (let i = 0; i < 5; i++) out.setUint32(i * 4, h[i]);
  return digest;
}

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/** The 80 rounds over one block's schedule `w`, added into `h`. */
function compress(h: Uint32Array, w: Uint32Array): void {
  let [a, b, c, d, e] = h;
  for (let t = 0; t < 80; t++) {
    let f: number, k: number;
    if (t < 20) [f, k] = [(b & c) | (~b & d), 0x5a827999];
    else if (t < 40) [f, k] = [b ^ c ^ d, 0x6ed9eba1];
    else if (t < 60) [f, k] = [(b & c) | (b & d) | (c & d), 0x8f1bbcdc];
    else [f, k] = [b ^ c ^ d, 0xca62c1d6];
    const next = (rotl(a, 5) + f + e + k + w[t]) | 0;
    [e, d, c, b, a] = [d, c, rotl(b, 30), a, next];
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
}
