/**
 * Fuzzing the WebSocket frame parser with seeded streams of valid, broken
 * and random frames, cut anywhere: it never throws, answers only with a
 * close code RFC 6455 names, explains a failure in one line, reaches the
 * same verdict however the stream is cut, and parses in linear time.
 */
import assert from "node:assert/strict";
import {
  type FrameParserOptions,
  WebSocketFrameParser,
} from "../../src/transport/websocket_frame_parser.ts";
import { type FrameSpec, Opcode, renderFrames } from "../../src/transport/websocket_frame.ts";
import { assertLinear, assertOneLine, mutate, randomCuts, Rng, utf8 } from "../_helpers/fuzz.ts";

const OPCODES = [0, 1, 2, 8, 9, 10, 3, 11, 15];
const TEXTS = ["", "hi", "é€😀", "\u{10ffff}"].map(utf8);

function randomFrame(rng: Rng, side: "client" | "server"): FrameSpec {
  const opcode = rng.next() < 0.85 ? rng.pick([0, 1, 2, 1, 2, 8, 9, 10]) : rng.pick(OPCODES);
  const size = rng.pick([0, 1, 2, 5, 125, 126, 127, 300, 65536]);
  let payload = rng.next() < 0.5 ? rng.bytes(size) : rng.pick(TEXTS);
  if (opcode === 8 && rng.next() < 0.7) payload = Uint8Array.of(0x03, 0xe8, ...rng.pick(TEXTS));
  const masked = rng.next() < 0.9 ? side === "client" : side !== "client";
  return {
    opcode,
    payload,
    fin: rng.next() < 0.8,
    rsv: rng.next() < 0.9 ? 0 : rng.pick([0x40, 0x20, 0x10]),
    mask: masked ? rng.below(2 ** 32) : null,
  };
}

/** A stream a peer on `sender`'s side could send: frames, mutated or not, or noise. */
function randomStream(rng: Rng, sender: "client" | "server"): Uint8Array {
  const frames = Array.from({ length: 1 + rng.below(6) }, () => randomFrame(rng, sender));
  const stream = renderFrames(frames);
  const kind = rng.next();
  if (kind < 0.5) return stream;
  if (kind < 0.9) {
    return mutate(rng, stream, [Uint8Array.of(0x81, 0xff), Uint8Array.of(0x88, 0x7e)]);
  }
  return rng.bytes(rng.below(64));
}

const CODES = new Set([0, 1002, 1007, 1009]);

/** Parses `stream` cut at `cuts`; returns the code and the count of messages. */
function parse(options: FrameParserOptions, stream: Uint8Array, cuts: number[]) {
  const copy = stream.slice(); // the parser unmasks in place
  let payloadBytes = 0;
  const parser = new WebSocketFrameParser({
    payload(bytes, from, to) {
      assert.ok(from >= 0 && from <= to && to <= bytes.length, `payload [${from}, ${to})`);
      payloadBytes += to - from;
    },
  }, options);
  let code = 0;
  let from = 0;
  for (const cut of [...cuts, copy.length]) {
    code = parser.push(copy, from, cut);
    from = cut;
  }
  return { code, messages: parser.messages, frames: parser.frames, error: parser.error };
}

Deno.test("random frame streams, cut anywhere: known close codes, one verdict", () => {
  const rng = new Rng(6455);
  const seen = new Set<number>();
  for (let round = 0; round < 4000; round++) {
    const side = rng.next() < 0.5 ? "server" : "client";
    const options: FrameParserOptions = {
      side,
      validateUtf8: rng.next() < 0.5,
      allowedRsv: rng.next() < 0.3 ? 0x70 : 0,
      maxMessageLength: rng.next() < 0.2 ? rng.below(2000) : undefined,
    };
    const stream = randomStream(rng, side === "server" ? "client" : "server");
    const whole = parse(options, stream, []);
    assert.ok(CODES.has(whole.code), `round ${round}: code ${whole.code}`);
    seen.add(whole.code);
    if (whole.code !== 0) assertOneLine(whole.error, `round ${round}`, 100);
    for (let cutRound = 0; cutRound < 3; cutRound++) {
      const cut = parse(options, stream, randomCuts(rng, stream.length, 8));
      assert.deepEqual(cut, whole, `round ${round}: the cuts changed the verdict`);
    }
  }
  assert.deepEqual([...seen].sort(), [0, 1002, 1007, 1009], "the fuzzer reaches every verdict");
});

/** A stream of about `size` bytes of one kind of frame. */
function framesOf(spec: FrameSpec): (size: number) => Uint8Array {
  return (size) => {
    const one = renderFrames([spec]);
    return renderFrames(Array.from({ length: Math.ceil(size / one.length) }, () => spec));
  };
}

Deno.test("parse time is linear in stream size", () => {
  const families: [string, (size: number) => Uint8Array][] = [
    ["small masked text frames", framesOf({ opcode: Opcode.text, payload: utf8("hi"), mask: 7 })],
    ["masked pings", framesOf({ opcode: Opcode.ping, payload: utf8("ping"), mask: 9 })],
    [
      "one large binary frame",
      (n) => renderFrames([{ opcode: 2, payload: new Uint8Array(n), mask: 3 }]),
    ],
    [
      "one large UTF-8 text frame",
      (n) => renderFrames([{ opcode: 1, payload: utf8("aé€😀".repeat(n / 10)), mask: 3 }]),
    ],
    [
      "a long fragmented message",
      (n) =>
        renderFrames([
          { opcode: 1, payload: utf8("x"), fin: false, mask: 1 },
          ...Array.from(
            { length: n / 7 },
            () => ({ opcode: 0, payload: utf8("x"), fin: false, mask: 1 }),
          ),
        ]),
    ],
  ];
  for (const [name, make] of families) {
    assertLinear(name, make, (stream) => {
      // Whole, and in 7-byte chunks: a chunk costs O(its length). Copies: payloads unmask in place.
      const parser = new WebSocketFrameParser({}, { side: "server", validateUtf8: true });
      assert.equal(parser.push(stream.slice()), 0, name);
      const split = new WebSocketFrameParser({}, { side: "server", validateUtf8: true });
      const copy = stream.slice();
      let code = 0;
      for (let at = 0; at < copy.length; at += 7) {
        code = split.push(copy, at, Math.min(copy.length, at + 7));
      }
      assert.equal(code, 0, name);
    }, { size: 32 * 1024 });
  }
});
