import assert from "node:assert/strict";
import { Utf8Validator } from "../../src/transport/utf8_validator.ts";

const strict = new TextDecoder("utf-8", { fatal: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** A small seeded generator (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bytes that are mostly ASCII with UTF-8 sequences, near misses and stray bytes. */
function sample(next: () => number, length: number): Uint8Array {
  const pieces = ["a", "é", "€", "😀", "\u{10ffff}", "\ud7ff", "\ue000"].map((s) =>
    new TextEncoder().encode(s)
  );
  const bad = [
    [0xc0, 0x80],
    [0xe0, 0x9f, 0xbf],
    [0xed, 0xa0, 0x80],
    [0xf4, 0x90, 0x80, 0x80],
    [
      0xf5,
    ],
    [0x80],
    [0xff],
    [0xe2, 0x82],
  ].map((b) => Uint8Array.from(b));
  const out: number[] = [];
  while (out.length < length) {
    const r = next();
    const piece = r < 0.6
      ? Uint8Array.of(0x20 + Math.floor(next() * 95))
      : r < 0.97
      ? pieces[Math.floor(next() * pieces.length)]
      : bad[Math.floor(next() * bad.length)];
    out.push(...piece);
  }
  return Uint8Array.from(out);
}

Deno.test("agrees with a strict decoder, whatever the cuts and alignment", () => {
  const next = random(14);
  for (let round = 0; round < 3000; round++) {
    const length = Math.floor(next() * (round % 10 === 0 ? 300 : 24));
    const bytes = sample(next, length);
    // at an odd offset inside a larger buffer, to exercise the word path unaligned
    const offset = Math.floor(next() * 8);
    const host = new Uint8Array(bytes.length + 16);
    host.set(bytes, offset);
    const view = host.subarray(offset, offset + bytes.length);
    const validator = new Utf8Validator();
    let at = 0;
    while (at < view.length) {
      const end = Math.min(view.length, at + 1 + Math.floor(next() * 40));
      validator.push(view, at, end);
      at = end;
    }
    assert.equal(validator.complete, isUtf8(bytes), `round ${round}: ${[...bytes]}`);
  }
});

Deno.test("long ASCII runs with one bad byte anywhere are caught", () => {
  const bytes = new Uint8Array(4096).fill(0x61);
  for (const at of [0, 1, 7, 8, 9, 2047, 4088, 4095]) {
    const validator = new Utf8Validator();
    bytes[at] = 0xff;
    assert.equal(validator.push(bytes, 0, bytes.length), false, `bad byte at ${at}`);
    bytes[at] = 0x61;
    validator.reset();
    assert.equal(validator.push(bytes, 0, bytes.length), true);
    assert.equal(validator.complete, true);
  }
});

Deno.test("a character cut at the end is valid but not complete", () => {
  const validator = new Utf8Validator();
  assert.equal(validator.push(Uint8Array.of(0x61, 0xe2, 0x82), 0, 3), true);
  assert.equal(validator.complete, false);
  assert.equal(validator.push(Uint8Array.of(0xac), 0, 1), true);
  assert.equal(validator.complete, true);
});
