import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { sha1 } from "../../src/transport/sha1.ts";
import { computeAcceptKey } from "../../src/transport/websocket_handshake.ts";
import { Rng } from "../_helpers/fuzz.ts";

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

Deno.test("sha1: FIPS 180 examples", () => {
  const text = (s: string) => hex(sha1(new TextEncoder().encode(s)));
  assert.equal(text(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  assert.equal(text("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  assert.equal(
    text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
    "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
  );
});

Deno.test("sha1: node:crypto's digest at every length across the padding boundaries", () => {
  const rng = new Rng(1);
  for (let length = 0; length <= 200; length++) {
    const bytes = rng.bytes(length);
    assert.equal(hex(sha1(bytes)), createHash("sha1").update(bytes).digest("hex"), `${length}`);
  }
});

Deno.test("computeAcceptKey: one byte per character of the key, as node:crypto's latin1", () => {
  for (const key of ["dGhlIHNhbXBsZSBub25jZQ==", "", "é\u00ff\u0100x", "a".repeat(300)]) {
    const expected = createHash("sha1").update(
      key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
      "latin1",
    )
      .digest("base64");
    assert.equal(computeAcceptKey(key), expected, key);
  }
});
