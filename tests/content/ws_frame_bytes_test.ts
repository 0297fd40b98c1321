import assert from "node:assert/strict";
import {
  encodeFrame,
  frameHeaderLength,
  writeFrameHeader,
} from "../../src/content/ws_frame_bytes.ts";
import { escapeBytes } from "../../src/content/printable.ts";

const text = (masked: boolean) => ({ opcode: 1, fin: true, rsv: 0, masked });

function header(length: number, masked: boolean): string {
  const target = new Uint8Array(14);
  const n = writeFrameHeader(target, 0, { ...text(masked), payloadLength: length });
  assert.equal(n, frameHeaderLength(length, masked));
  return escapeBytes(target.subarray(0, n));
}

Deno.test("7.3 length forms: 7-bit, 16-bit, 64-bit; mask on clients only", () => {
  assert.equal(header(300, true), "\\x81\\xfe\\x01,\\x00\\x00\\x00\\x00");
  assert.equal(header(300, false), "\\x81~\\x01,");
  assert.equal(
    header(70000, true),
    "\\x81\\xff\\x00\\x00\\x00\\x00\\x00\\x01\\x11p\\x00\\x00\\x00\\x00",
  );
  assert.equal(header(125, false), "\\x81}");
  assert.equal(header(126, false), "\\x81~\\x00~");
  assert.equal(header(65535, false), "\\x81~\\xff\\xff");
  assert.equal(header(65536, false), "\\x81\\x7f\\x00\\x00\\x00\\x00\\x00\\x01\\x00\\x00");
});

Deno.test("7.3 simple frames", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.equal(
    escapeBytes(encodeFrame(text(true), enc("FIRST"))),
    "\\x81\\x85\\x00\\x00\\x00\\x00FIRST",
  );
  assert.equal(escapeBytes(encodeFrame(text(false), enc("HELLO"))), "\\x81\\x05HELLO");
  assert.equal(
    escapeBytes(encodeFrame({ opcode: 1, fin: false, rsv: 0x50, masked: true }, new Uint8Array(0))),
    "Q\\x80\\x00\\x00\\x00\\x00",
  );
});
