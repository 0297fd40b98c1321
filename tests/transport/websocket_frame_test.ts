import assert from "node:assert/strict";
import {
  frameHeaderLength,
  frameLength,
  maskInPlace,
  nextFrameBoundary,
  Opcode,
  OPCODE_BY_NAME,
  renderFrame,
  renderFrameInto,
  renderFrames,
  RSV1,
  RSV3,
  RSV_BY_NAME,
  writeFrameHeader,
} from "../../src/transport/websocket_frame.ts";

const text = new TextEncoder();

/** Bytes from a string of code units 0..255 (as tcpkali's dumps show them). */
function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function header(length: number, mask: number | null, opcode: number = Opcode.text): Uint8Array {
  const out = new Uint8Array(14).fill(0xee);
  const n = writeFrameHeader(out, 0, { fin: true, rsv: 0, opcode, length, mask });
  assert.equal(n, frameHeaderLength(length, mask !== null));
  return out.slice(0, n);
}

Deno.test("header lengths at every boundary, unmasked (server)", () => {
  assert.deepEqual(header(0, null), bytes("\x81\x00"));
  assert.deepEqual(header(125, null), bytes("\x81\x7d"));
  assert.deepEqual(header(126, null), bytes("\x81\x7e\x00\x7e"));
  assert.deepEqual(header(65535, null), bytes("\x81\x7e\xff\xff"));
  assert.deepEqual(header(65536, null), bytes("\x81\x7f\x00\x00\x00\x00\x00\x01\x00\x00"));
});

Deno.test("header lengths at every boundary, masked (client)", () => {
  const m = 0x01020304;
  assert.deepEqual(header(0, m), bytes("\x81\x80\x01\x02\x03\x04"));
  assert.deepEqual(header(125, m), bytes("\x81\xfd\x01\x02\x03\x04"));
  assert.deepEqual(header(126, m), bytes("\x81\xfe\x00\x7e\x01\x02\x03\x04"));
  assert.deepEqual(header(65535, m), bytes("\x81\xfe\xff\xff\x01\x02\x03\x04"));
  assert.deepEqual(
    header(65536, m),
    bytes("\x81\xff\x00\x00\x00\x00\x00\x01\x00\x00\x01\x02\x03\x04"),
  );
});

Deno.test("header lengths match tcpkali's captured 300 and 70 000 byte frames", () => {
  assert.deepEqual(header(300, 0), bytes("\x81\xfe\x01,\x00\x00\x00\x00"));
  assert.deepEqual(header(300, null), bytes("\x81~\x01,"));
  assert.deepEqual(
    header(70000, 0),
    bytes("\x81\xff\x00\x00\x00\x00\x00\x01\x11p\x00\x00\x00\x00"),
  );
});

Deno.test("64-bit lengths above 2^32 are written big-endian", () => {
  const length = 2 ** 40 + 0x01020304;
  assert.deepEqual(
    header(length, null, Opcode.binary),
    bytes("\x82\x7f\x00\x00\x01\x00\x01\x02\x03\x04"),
  );
  assert.deepEqual(
    header(Number.MAX_SAFE_INTEGER, null, Opcode.binary),
    bytes("\x82\x7f\x00\x1f\xff\xff\xff\xff\xff\xff"),
  );
});

Deno.test("fin, rsv and opcode bits; header written at an offset", () => {
  const out = new Uint8Array(8);
  const n = writeFrameHeader(out, 3, {
    fin: false,
    rsv: RSV1 | RSV3,
    opcode: Opcode.text,
    length: 0,
    mask: 0,
  });
  assert.equal(n, 6);
  assert.deepEqual(out, bytes("\x00\x00\x00\x51\x80\x00\x00\x00"));
});

Deno.test("maskInPlace: masking twice restores the payload; chunked equals whole", () => {
  const plain = new Uint8Array(103);
  crypto.getRandomValues(plain);
  for (const key of [0xdeadbeef, 0x01020304, 0x80000001, -1]) {
    const whole = plain.slice();
    assert.equal(maskInPlace(whole, 0, whole.length, key, 0), 103);
    assert.equal(whole[0], plain[0] ^ ((key >>> 24) & 0xff));
    assert.equal(whole[5], plain[5] ^ ((key >>> 16) & 0xff));
    for (let split1 = 0; split1 < 9; split1++) {
      for (let split2 = split1; split2 < 20; split2 += 3) {
        const chunked = plain.slice();
        let offset = maskInPlace(chunked, 0, split1, key, 0);
        offset = maskInPlace(chunked, split1, split2, key, offset);
        maskInPlace(chunked, split2, chunked.length, key, offset);
        assert.deepEqual(chunked, whole, `key ${key} splits ${split1}/${split2}`);
      }
    }
    maskInPlace(whole, 0, whole.length, key, 0);
    assert.deepEqual(whole, plain);
  }
});

Deno.test("maskInPlace with tcpkali's zero key leaves bytes unchanged", () => {
  const payload = text.encode("unchanged");
  assert.equal(maskInPlace(payload, 2, 7, 0, 6), 11);
  assert.deepEqual(payload, text.encode("unchanged"));
});

Deno.test("maskInPlace only touches [from, to)", () => {
  const buffer = new Uint8Array(10);
  maskInPlace(buffer, 3, 6, 0xffffffff, 0);
  assert.deepEqual(buffer, Uint8Array.of(0, 0, 0, 255, 255, 255, 0, 0, 0, 0));
});

Deno.test("renderFrame reproduces tcpkali's simple frames", () => {
  const client = (s: string) =>
    renderFrame({ opcode: Opcode.text, payload: text.encode(s), mask: 0 });
  const server = (s: string) => renderFrame({ opcode: Opcode.text, payload: text.encode(s) });
  assert.deepEqual(client("FIRST"), bytes("\x81\x85\x00\x00\x00\x00FIRST"));
  assert.deepEqual(client("ABC"), bytes("\x81\x83\x00\x00\x00\x00ABC"));
  assert.deepEqual(server("HELLO"), bytes("\x81\x05HELLO"));
  assert.deepEqual(server("ABC"), bytes("\x81\x03ABC"));
});

Deno.test("renderFrames reproduces tcpkali's composite message (7.3)", () => {
  const p = (s: string) => bytes(s);
  const frames = renderFrames([
    { opcode: Opcode.text, payload: p("hi"), mask: 0 },
    { opcode: Opcode.binary, payload: p("bin"), mask: 0 },
    { opcode: Opcode.ping, payload: p("p"), mask: 0 },
    { opcode: Opcode.pong, payload: p(""), mask: 0 },
    { opcode: Opcode.close, payload: p("\x03\xe8"), mask: 0 },
    { opcode: Opcode.continuation, payload: p("c"), mask: 0 },
    { opcode: Opcode.continuation, payload: p(""), mask: 0 },
    { opcode: Opcode.text, payload: p("a"), mask: 0, fin: false },
    { opcode: Opcode.text, payload: p(""), mask: 0, rsv: RSV1 | RSV3 },
  ]);
  const tail = renderFrames([
    { opcode: Opcode.text, payload: p("plainFILEDATA"), mask: 0 },
    { opcode: Opcode.binary, payload: p("FILEDATA+x"), mask: 0 },
  ]);
  const composite = new Uint8Array(frames.length + 3 + tail.length);
  composite.set(frames, 0);
  composite.set(p("RAW"), frames.length);
  composite.set(tail, frames.length + 3);
  const expected =
    "\x81\x82\x00\x00\x00\x00hi\x82\x83\x00\x00\x00\x00bin\x89\x81\x00\x00\x00\x00p" +
    "\x8a\x80\x00\x00\x00\x00\x88\x82\x00\x00\x00\x00\x03\xe8\x80\x81\x00\x00\x00\x00c" +
    "\x80\x80\x00\x00\x00\x00\x01\x81\x00\x00\x00\x00a\xd1\x80\x00\x00\x00\x00RAW" +
    "\x81\x8d\x00\x00\x00\x00plainFILEDATA\x82\x8a\x00\x00\x00\x00FILEDATA+x";
  assert.deepEqual(composite, bytes(expected));
});

Deno.test("renderFrame masks a copy, never the caller's payload", () => {
  const payload = text.encode("Hello");
  const frame = renderFrame({ opcode: Opcode.text, payload, mask: 0x37fa213d });
  // RFC 6455 §5.7: a single-frame masked text message "Hello".
  assert.deepEqual(frame, bytes("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"));
  assert.deepEqual(payload, text.encode("Hello"));
});

Deno.test("renderFrameInto lays frames back to back and frameLength sizes them", () => {
  const spec = { opcode: Opcode.binary, payload: new Uint8Array(126).fill(7), mask: 5 };
  assert.equal(frameLength(spec), 4 + 4 + 126);
  const out = new Uint8Array(2 * frameLength(spec));
  const end = renderFrameInto(out, renderFrameInto(out, 0, spec), spec);
  assert.equal(end, out.length);
  assert.deepEqual(out.subarray(0, end / 2), out.subarray(end / 2));
});

Deno.test("expression names map to opcodes and RSV bits (content uses these tables)", () => {
  assert.equal(OPCODE_BY_NAME.cont, Opcode.continuation);
  assert.equal(OPCODE_BY_NAME.continuation, 0);
  assert.equal(OPCODE_BY_NAME.pong, 0xa);
  assert.equal(RSV_BY_NAME.rsv1 | RSV_BY_NAME.rsv3, 0x50);
  // tcpkali's `\{ws.text rsv1 rsv3 ...}` with no payload, from a client.
  const frame = renderFrame({
    opcode: OPCODE_BY_NAME.text,
    fin: false,
    rsv: RSV_BY_NAME.rsv1 | RSV_BY_NAME.rsv3,
    payload: new Uint8Array(0),
    mask: 0,
  });
  assert.deepEqual([...frame], [0x51, 0x80, 0, 0, 0, 0]);
});

Deno.test("nextFrameBoundary finds where a control frame may go in a run of frames", () => {
  const block = renderFrames([
    { opcode: Opcode.text, payload: new Uint8Array(3), mask: 0 }, // 0..9
    { opcode: Opcode.binary, payload: new Uint8Array(300), mask: 0 }, // 9..317
    { opcode: Opcode.text, payload: new Uint8Array(70000) }, // 317..70327
  ]);
  assert.equal(nextFrameBoundary(block, 0), 0);
  assert.equal(nextFrameBoundary(block, 1), 9);
  assert.equal(nextFrameBoundary(block, 9), 9);
  assert.equal(nextFrameBoundary(block, 10), 317);
  assert.equal(nextFrameBoundary(block, 318), 70327);
  assert.equal(nextFrameBoundary(block, block.length), block.length);
  // Unframed bytes (`\{raw}`) count as one frame to the end of the buffer.
  assert.equal(nextFrameBoundary(new Uint8Array([0x81, 0x7e, 0x01]), 1), 3);
});
