import assert from "node:assert/strict";
import {
  type FrameHandler,
  type FrameParserOptions,
  WebSocketFrameParser,
} from "../../src/transport/websocket_frame_parser.ts";
import {
  type FrameSpec,
  Opcode,
  renderFrame,
  renderFrames,
  RSV1,
  RSV_BITS,
} from "../../src/transport/websocket_frame.ts";
import { buildCloseFrame } from "../../src/transport/websocket_close.ts";

const text = new TextEncoder();
const latin1 = (b: Uint8Array) => String.fromCharCode(...b);
const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** A parser that records its events as strings, plus payload bytes per frame. */
function recorder(options: FrameParserOptions) {
  const events: string[] = [];
  let payload: number[] = [];
  const handler: FrameHandler = {
    frameStart(f) {
      events.push(
        `start op=${f.opcode} fin=${f.fin} rsv=${f.rsv} masked=${f.masked} len=${f.length}`,
      );
      payload = [];
    },
    payload(b, from, to) {
      for (let i = from; i < to; i++) payload.push(b[i]);
    },
    frameEnd() {
      events.push(`end ${latin1(Uint8Array.from(payload))}`);
    },
    message(opcode, length) {
      events.push(`message op=${opcode} len=${length}`);
    },
    ping(p) {
      events.push(`ping ${latin1(p)}`);
    },
    pong(p) {
      events.push(`pong ${latin1(p)}`);
    },
    close(code, reason) {
      events.push(`close ${code} ${reason}`);
    },
  };
  const parser = new WebSocketFrameParser(handler, options);
  return { parser, events };
}

/** Pushes `stream` cut at `cuts` (copied, as the parser unmasks in place). */
function pushCut(parser: WebSocketFrameParser, stream: Uint8Array, cuts: number[]): number {
  const copy = stream.slice();
  let from = 0;
  let code = 0;
  for (const cut of [...cuts, copy.length]) {
    code = parser.push(copy, from, cut);
    from = cut;
  }
  return code;
}

const SERVER: FrameParserOptions = { side: "server" };
const CLIENT: FrameParserOptions = { side: "client" };

for (const length of [0, 1, 125, 126, 127, 65535, 65536, 70000]) {
  Deno.test(`parses a masked ${length}-byte frame and unmasks its payload`, () => {
    const payload = Uint8Array.from({ length }, (_, i) => (i * 7919) >>> 3);
    const frame = renderFrame({ opcode: Opcode.binary, payload, mask: 0xa1b2c3d4 });
    let received = 0;
    let same = true;
    const parser = new WebSocketFrameParser({
      payload(b, from, to) {
        for (let i = from; i < to; i++) same &&= b[i] === payload[received++];
      },
    }, SERVER);
    const cuts = [1, 7, 200].filter((cut) => cut < frame.length);
    assert.equal(pushCut(parser, frame, cuts), 0);
    assert.equal(received, length);
    assert.ok(same);
    assert.equal(parser.frame.length, length);
    assert.equal(parser.messages, 1);
    assert.ok(parser.atFrameBoundary);
  });
}

/** A stream exercising every header form, including a non-minimal 64-bit length. */
function mixedStream(mask: number | null): Uint8Array {
  const frames: FrameSpec[] = [
    { opcode: Opcode.text, payload: text.encode("Hel"), fin: false },
    { opcode: Opcode.ping, payload: text.encode("ping!") },
    { opcode: Opcode.continuation, payload: new Uint8Array(130).fill(0x61), fin: false },
    { opcode: Opcode.pong, payload: new Uint8Array(0) },
    { opcode: Opcode.continuation, payload: text.encode("lo") },
    { opcode: Opcode.binary, payload: new Uint8Array(0) },
  ].map((f) => ({ ...f, mask }));
  const longForm = new Uint8Array([0x82, mask === null ? 127 : 0xff, 0, 0, 0, 0, 0, 0, 0, 5]);
  const maskKey = mask === null
    ? []
    : [mask >>> 24, (mask >>> 16) & 255, (mask >>> 8) & 255, mask & 255];
  const body = text.encode("12345");
  if (mask !== null) { for (let i = 0; i < 5; i++) body[i] ^= maskKey[i & 3]; }
  const tail = Uint8Array.from([...longForm, ...maskKey, ...body]);
  const head = renderFrames(frames);
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

const MIXED_EVENTS = [
  "start op=1 fin=false rsv=0 masked=true len=3",
  "end Hel",
  "start op=9 fin=true rsv=0 masked=true len=5",
  "end ping!",
  "ping ping!",
  "start op=0 fin=false rsv=0 masked=true len=130",
  `end ${"a".repeat(130)}`,
  "start op=10 fin=true rsv=0 masked=true len=0",
  "end ",
  "pong ",
  "start op=0 fin=true rsv=0 masked=true len=2",
  "end lo",
  "message op=1 len=135",
  "start op=2 fin=true rsv=0 masked=true len=0",
  "end ",
  "message op=2 len=0",
  "start op=2 fin=true rsv=0 masked=true len=5",
  "end 12345",
  "message op=2 len=5",
];

Deno.test("fragmented message with interleaved control frames counts as one message", () => {
  const { parser, events } = recorder(SERVER);
  assert.equal(parser.push(mixedStream(0x11223344)), 0);
  assert.deepEqual(events, MIXED_EVENTS);
  assert.equal(parser.messages, 3);
  assert.equal(parser.frames, 7);
  assert.equal(parser.inMessage, false);
});

Deno.test("a stream split at every byte position gives the same events", () => {
  for (const mask of [0x11223344, 0]) {
    const stream = mixedStream(mask);
    for (let cut = 0; cut <= stream.length; cut++) {
      const { parser, events } = recorder(SERVER);
      assert.equal(pushCut(parser, stream, [cut]), 0);
      assert.deepEqual(events, MIXED_EVENTS, `mask ${mask} cut at ${cut}`);
    }
  }
});

Deno.test("a stream split at every pair of positions gives the same events", () => {
  const stream = mixedStream(0x0badf00d).subarray(0, 40); // headers, ping, mask phases
  const reference = recorder(SERVER);
  reference.parser.push(stream.slice());
  for (let a = 0; a <= stream.length; a++) {
    for (let b = a; b <= stream.length; b++) {
      const { parser, events } = recorder(SERVER);
      pushCut(parser, stream, [a, b]);
      assert.deepEqual(events, reference.events, `cuts ${a}, ${b}`);
    }
  }
});

Deno.test("a stream fed one byte at a time gives the same events", () => {
  const stream = mixedStream(0x55aa55aa);
  const { parser, events } = recorder(SERVER);
  assert.equal(pushCut(parser, stream, Array.from(stream.keys())), 0);
  assert.deepEqual(events, MIXED_EVENTS);
});

Deno.test("client side parses unmasked server frames", () => {
  const { parser, events } = recorder(CLIENT);
  assert.equal(parser.push(bytes("\x81\x05HELLO\x89\x00")), 0);
  assert.deepEqual(events, [
    "start op=1 fin=true rsv=0 masked=false len=5",
    "end HELLO",
    "message op=1 len=5",
    "start op=9 fin=true rsv=0 masked=false len=0",
    "end ",
    "ping ",
  ]);
});

Deno.test("close frame surfaces its code and reason", () => {
  const { parser, events } = recorder(SERVER);
  const frame = buildCloseFrame({ side: "client", code: 1001, reason: "bye ✓", mask: 0x12345678 });
  assert.equal(parser.push(frame), 0);
  assert.equal(events.at(-1), "close 1001 bye ✓");
  assert.ok(parser.closeReceived);
});

Deno.test("empty close frame surfaces 1005", () => {
  const { parser, events } = recorder(CLIENT);
  assert.equal(parser.push(bytes("\x88\x00")), 0);
  assert.equal(events.at(-1), "close 1005 ");
});

/** Malformed input → expected close code; `options` default to the server side. */
const MALFORMED: [string, string, number, FrameParserOptions?][] = [
  ["reserved data opcode 3", "\x83\x80\x00\x00\x00\x00", 1002],
  ["reserved data opcode 7", "\x87\x80\x00\x00\x00\x00", 1002],
  ["reserved control opcode 0xB", "\x8b\x80\x00\x00\x00\x00", 1002],
  ["reserved control opcode 0xF", "\x8f\x80\x00\x00\x00\x00", 1002],
  ["ping over 125 bytes", "\x89\xfe\x00\x7e\x00\x00\x00\x00", 1002],
  ["fragmented ping", "\x09\x80\x00\x00\x00\x00", 1002],
  ["fragmented close", "\x08\x80\x00\x00\x00\x00", 1002],
  ["continuation without a start", "\x80\x80\x00\x00\x00\x00", 1002],
  [
    "text frame while a fragmented message is open",
    "\x01\x80\x00\x00\x00\x00\x81\x80\x00\x00\x00\x00",
    1002,
  ],
  ["unmasked frame from a client", "\x81\x00", 1002],
  ["masked frame from a server", "\x81\x80\x00\x00\x00\x00", 1002, CLIENT],
  ["RSV1 without an extension", "\xc1\x80\x00\x00\x00\x00", 1002],
  ["RSV3 on a control frame", "\x99\x80\x00\x00\x00\x00", 1002],
  [
    "64-bit length with its top bit set",
    "\x82\xff\x80\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00",
    1002,
  ],
  ["length beyond 2^53", "\x82\xff\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 1009],
  ["frame over the limit", "\x82\xfe\x01\x00\x00\x00\x00\x00", 1009, {
    side: "server",
    maxMessageLength: 255,
  }],
  [
    "fragments adding up over the limit",
    "\x02\x84\x00\x00\x00\x00abcd\x80\x84\x00\x00\x00\x00efgh",
    1009,
    { side: "server", maxMessageLength: 7 },
  ],
  ["close with a 1-byte payload", "\x88\x81\x00\x00\x00\x00\x03", 1002],
  ["close with code 1005", "\x88\x82\x00\x00\x00\x00\x03\xed", 1002],
  ["close with code 999", "\x88\x82\x00\x00\x00\x00\x03\xe7", 1002],
  ["close with code 2999", "\x88\x82\x00\x00\x00\x00\x0b\xb7", 1002],
  ["close with a reason that is not UTF-8", "\x88\x83\x00\x00\x00\x00\x03\xe8\xff", 1007],
];

for (const [name, stream, code, options] of MALFORMED) {
  Deno.test(`malformed: ${name} → ${code}`, () => {
    const { parser } = recorder(options ?? SERVER);
    assert.equal(parser.push(bytes(stream)), code);
    assert.notEqual(parser.error, "");
    // Split anywhere, the verdict is the same.
    for (let cut = 0; cut <= stream.length; cut++) {
      const { parser } = recorder(options ?? SERVER);
      assert.equal(pushCut(parser, bytes(stream), [cut]), code, `cut at ${cut}`);
    }
  });
}

Deno.test("after a violation the parser stays failed and reports nothing more", () => {
  const { parser, events } = recorder(SERVER);
  assert.equal(parser.push(bytes("\x83\x80\x00\x00\x00\x00")), 1002);
  const before = events.length;
  assert.equal(parser.push(buildCloseFrame({ side: "client", code: 1000 })), 1002);
  assert.equal(events.length, before);
});

Deno.test("allowedRsv lets tcpkali's rsv frames through", () => {
  const { parser, events } = recorder({ side: "server", allowedRsv: RSV_BITS });
  assert.equal(parser.push(bytes("\xd1\x80\x00\x00\x00\x00")), 0);
  assert.equal(events[0], `start op=1 fin=true rsv=${0x50} masked=true len=0`);
  const rsv1Only = recorder({ side: "server", allowedRsv: RSV1 });
  assert.equal(rsv1Only.parser.push(bytes("\xd1\x80\x00\x00\x00\x00")), 1002);
});

Deno.test("enforceMasking: false accepts either form on either side", () => {
  for (const side of ["client", "server"] as const) {
    const { parser } = recorder({ side, enforceMasking: false });
    assert.equal(parser.push(bytes("\x81\x01a\x81\x81\x00\x00\x00\x00a")), 0);
    assert.equal(parser.messages, 2);
  }
});

Deno.test("a ping's payload can be echoed in a pong", () => {
  let pong: Uint8Array | null = null;
  const parser = new WebSocketFrameParser({
    ping(payload) {
      pong = renderFrame({ opcode: Opcode.pong, payload, mask: 0 });
    },
  }, CLIENT);
  assert.equal(parser.push(bytes("\x89\x04ping")), 0);
  assert.deepEqual(pong, bytes("\x8a\x84\x00\x00\x00\x00ping"));
});

const UTF8: FrameParserOptions = { side: "server", validateUtf8: true };

Deno.test("validateUtf8: a text message that is not UTF-8 fails with 1007, however cut", () => {
  const cases: [string, Uint8Array, number][] = [
    ["a bad byte", renderFrame({ opcode: Opcode.text, payload: bytes("ok\xff"), mask: 7 }), 1007],
    [
      "a surrogate",
      renderFrame({ opcode: Opcode.text, payload: bytes("\xed\xa0\x80"), mask: 7 }),
      1007,
    ],
    [
      "a character cut by the end of the message",
      renderFrame({ opcode: Opcode.text, payload: bytes("\xe2\x82"), mask: 7 }),
      1007,
    ],
    [
      "a character split across fragments, with a ping between",
      renderFrames([
        { opcode: Opcode.text, payload: bytes("x\xe2"), mask: 9, fin: false },
        { opcode: Opcode.ping, payload: bytes("\xff"), mask: 9 },
        { opcode: Opcode.continuation, payload: bytes("\x82\xac"), mask: 9 },
      ]),
      0,
    ],
    [
      "binary is not checked",
      renderFrame({ opcode: Opcode.binary, payload: bytes("\xff"), mask: 7 }),
      0,
    ],
  ];
  for (const [name, stream, code] of cases) {
    for (let cut = 0; cut <= stream.length; cut++) {
      const { parser, events } = recorder(UTF8);
      assert.equal(pushCut(parser, stream, [cut]), code, `${name}, cut at ${cut}`);
      if (code !== 0) {
        assert.ok(!events.some((e) => e.startsWith("message")), `${name}: no message event`);
        assert.match(parser.error, /UTF-8/);
      }
    }
  }
  // without the option, nothing is checked (a kali client reading what a peer sends)
  const { parser } = recorder({ side: "server" });
  assert.equal(
    parser.push(renderFrame({ opcode: Opcode.text, payload: bytes("\xff"), mask: 7 })),
    0,
  );
});

/** A parser whose handler looks at no data frame (as a sink's): it skips whole data frames. */
function sink(options: FrameParserOptions) {
  const events: string[] = [];
  const parser = new WebSocketFrameParser({
    ping: (p) => void events.push(`ping ${latin1(p)}`),
    pong: (p) => void events.push(`pong ${latin1(p)}`),
    close: (code, reason) => void events.push(`close ${code} ${reason}`),
  }, options);
  return { parser, events };
}

const CONTROL_EVENTS = MIXED_EVENTS.filter((e) => /^(ping|pong|close) /.test(e));

Deno.test("a sink parser reports the same control events and counts at every split", () => {
  for (const mask of [0x11223344, 0]) {
    const stream = mixedStream(mask);
    for (let a = 0; a <= stream.length; a++) {
      for (const b of [a, Math.min(stream.length, a + 3), stream.length]) {
        const { parser, events } = sink(SERVER);
        assert.equal(pushCut(parser, stream, [a, b]), 0, `cuts ${a}, ${b}`);
        assert.deepEqual(events, CONTROL_EVENTS, `mask ${mask} cuts ${a}, ${b}`);
        assert.equal(parser.messages, 3);
        assert.equal(parser.frames, 7);
        assert.ok(parser.atFrameBoundary && !parser.inMessage);
      }
    }
  }
});

Deno.test("a sink parser counts a run of small frames and the ping among them", () => {
  const hello: FrameSpec = { opcode: Opcode.text, payload: text.encode("hello"), mask: 0 };
  const frames = [
    ...Array(1000).fill(hello),
    { opcode: Opcode.ping, payload: text.encode("p"), mask: 0 },
    ...Array(999).fill(hello),
    { opcode: Opcode.binary, payload: new Uint8Array(300), mask: 0x01020304, fin: false },
    { opcode: Opcode.continuation, payload: new Uint8Array(3), mask: 0x01020304 },
  ];
  const stream = renderFrames(frames);
  for (const cuts of [[], [5000], [11, 22, 10999, 11005], [stream.length - 1]]) {
    const { parser, events } = sink(SERVER);
    assert.equal(pushCut(parser, stream, cuts), 0);
    assert.deepEqual(events, ["ping p"], `cuts ${cuts}`);
    assert.equal(parser.messages, 2000, `cuts ${cuts}`);
    assert.equal(parser.frames, 2002, `cuts ${cuts}`);
  }
});

Deno.test("a sink parser describes the last frame it skipped", () => {
  const { parser } = sink(SERVER);
  const stream = renderFrames([
    { opcode: Opcode.text, payload: text.encode("a"), mask: 0 },
    { opcode: Opcode.binary, payload: new Uint8Array(200), mask: 0xcafebabe, fin: false },
  ]);
  assert.equal(parser.push(stream), 0);
  assert.deepEqual({ ...parser.frame }, {
    opcode: Opcode.binary,
    fin: false,
    rsv: 0,
    masked: true,
    maskKey: 0xcafebabe,
    length: 200,
  });
  assert.ok(parser.inMessage);
});

for (const [name, stream, code, options] of MALFORMED) {
  Deno.test(`malformed, sink parser, after good frames: ${name} → ${code}`, () => {
    const good = options?.side === "client" ? "\x81\x01a\x82\x00" : "\x81\x81\x00\x00\x00\x00a";
    const input = bytes(good.repeat(3) + stream);
    for (let cut = 0; cut <= input.length; cut++) {
      const { parser } = sink(options ?? SERVER);
      assert.equal(pushCut(parser, input, [cut]), code, `cut at ${cut}`);
      assert.notEqual(parser.error, "");
    }
  });
}

Deno.test("a sink parser skips data payloads without unmasking them; control ones are unmasked", () => {
  const stream = renderFrames([
    { opcode: Opcode.text, payload: text.encode("data"), mask: 0x0f0f0f0f },
    { opcode: Opcode.ping, payload: text.encode("ctl"), mask: 0x0f0f0f0f },
  ]);
  const received = stream.slice();
  const { parser, events } = sink(SERVER);
  assert.equal(parser.push(received), 0);
  assert.deepEqual(received.subarray(0, 10), stream.subarray(0, 10)); // still masked
  assert.deepEqual(events, ["ping ctl"]);
});

Deno.test("validateUtf8, sink parser: the same verdicts as the full parser, zero mask or not, however cut", () => {
  const good = (mask: number) => ({ opcode: Opcode.text, payload: bytes("hello"), mask });
  const streams = (mask: number): [string, Uint8Array, number][] => [
    [
      "a bad byte after good frames",
      renderFrames([good(mask), good(mask), {
        opcode: Opcode.text,
        payload: bytes("ok\xff"),
        mask,
      }]),
      1007,
    ],
    [
      "a long payload with a surrogate",
      renderFrames([good(mask), {
        opcode: Opcode.text,
        payload: bytes("a".repeat(40) + "\xed\xa0\x80"),
        mask,
      }]),
      1007,
    ],
    [
      "a character cut by the end of the message",
      renderFrames([good(mask), {
        opcode: Opcode.text,
        payload: bytes("\xe2\x82"),
        mask,
      }]),
      1007,
    ],
    [
      "a character split across fragments",
      renderFrames([
        good(mask),
        { opcode: Opcode.text, payload: bytes("x\xe2"), mask, fin: false },
        { opcode: Opcode.continuation, payload: bytes("\x82\xac"), mask },
        good(mask),
      ]),
      0,
    ],
    [
      "valid multibyte text",
      renderFrames([good(mask), {
        opcode: Opcode.text,
        payload: bytes("\xe2\x82\xac \xf0\x9f\x98\x80"),
        mask,
      }]),
      0,
    ],
    [
      "binary is not checked",
      renderFrames([good(mask), {
        opcode: Opcode.binary,
        payload: bytes("\xff"),
        mask,
      }, good(mask)]),
      0,
    ],
  ];
  for (const mask of [0, 0x0badf00d]) {
    for (const [name, stream, code] of streams(mask)) {
      for (let cut = 0; cut <= stream.length; cut++) {
        const full = recorder(UTF8);
        const fast = sink(UTF8);
        const expected = pushCut(full.parser, stream, [cut]);
        assert.equal(expected, code, `full parser: ${name}, mask ${mask}, cut at ${cut}`);
        assert.equal(
          pushCut(fast.parser, stream, [cut]),
          code,
          `${name}, mask ${mask}, cut ${cut}`,
        );
        assert.equal(fast.parser.error, full.parser.error, `${name}, mask ${mask}, cut ${cut}`);
        if (code === 0) assert.equal(fast.parser.messages, full.parser.messages, name);
      }
    }
  }
});

Deno.test("validateUtf8, sink parser: binary and zero-masked text frames are skipped, as they came", () => {
  const stream = renderFrames([
    { opcode: Opcode.binary, payload: bytes("\x01\x02\x03"), mask: 0x0f0f0f0f },
    { opcode: Opcode.text, payload: bytes("hello"), mask: 0 },
    { opcode: Opcode.text, payload: bytes("hi"), mask: 0x0f0f0f0f },
  ]);
  const received = stream.slice();
  const { parser } = sink(UTF8);
  assert.equal(parser.push(received), 0);
  assert.equal(parser.messages, 3);
  // The binary frame was skipped (still masked); the masked text frame was unmasked to be checked.
  assert.deepEqual(received.subarray(0, 20), stream.subarray(0, 20));
  assert.equal(latin1(received.subarray(26)), "hi");
});

Deno.test("validateUtf8, sink parser: a bad byte anywhere in a short text message is caught", () => {
  for (let length = 1; length <= 20; length++) {
    for (let bad = -1; bad < length; bad++) {
      const payload = Uint8Array.from({ length }, (_, i) => i === bad ? 0xff : 0x61 + (i % 26));
      const stream = renderFrames([
        { opcode: Opcode.text, payload: bytes("ok"), mask: 0 },
        { opcode: Opcode.text, payload, mask: 0 },
      ]);
      const { parser } = sink(UTF8);
      assert.equal(
        parser.push(stream.slice()),
        bad < 0 ? 0 : 1007,
        `length ${length}, bad at ${bad}`,
      );
    }
  }
});

Deno.test("validateUtf8, sink parser: frames that repeat a header get the same verdicts as the first", () => {
  const message = (payload: Uint8Array, mask: number | null, opcode: number = Opcode.text) => ({
    opcode,
    payload,
    mask,
  });
  const run = (payload: Uint8Array, mask: number | null, opcode?: number) =>
    Array(6).fill(message(payload, mask, opcode));
  const cases: [string, FrameSpec[], number, FrameParserOptions][] = [];
  for (const length of [1, 3, 4, 5, 8, 9, 16, 17, 64, 125, 126, 300]) {
    const ascii = Uint8Array.from({ length }, (_, i) => 0x61 + (i % 26));
    const bad = ascii.slice();
    bad[length >> 1] = 0xff;
    const euro = ascii.slice();
    if (length >= 3) euro.set([0xe2, 0x82, 0xac], length - 3); // valid, not ASCII
    const longer = Uint8Array.from({ length: length + 1 }, () => 0x62);
    // Sent masked with 0x80808080, these bytes look like ASCII; unmasked, they are not UTF-8.
    const hidden = new Uint8Array(length).fill(0xff);
    for (
      const [name, odd, code] of [
        ["an invalid byte", message(bad, 0), 1007],
        ["valid UTF-8 that is not ASCII", message(euro, 0), 0],
        ["a real masking key", message(ascii, 0x0badf00d), 0],
        ["a masking key that hides an invalid byte", message(hidden, 0x80808080), 1007],
        ["one byte longer", message(longer, 0), 0],
        ["binary", message(bad, 0, Opcode.binary), 0],
      ] as const
    ) {
      const frames = [...run(ascii, 0), odd, ...run(ascii, 0)];
      cases.push([`${length} B, then ${name}`, frames, code, UTF8]);
    }
    // A client reads unmasked frames, text unchecked: lengths still count.
    const frames = [...run(ascii, null), message(longer, null), ...run(ascii, null, Opcode.binary)];
    cases.push([`${length} B, client side`, frames, 0, { side: "client" }]);
  }
  for (const [name, frames, code, options] of cases) {
    const stream = renderFrames(frames);
    for (const cuts of [[], [1], [stream.length >> 1], [7, 30, stream.length - 2]]) {
      const full = recorder(options);
      const fast = sink(options);
      assert.equal(pushCut(full.parser, stream, cuts), code, `full parser: ${name}, cuts ${cuts}`);
      assert.equal(pushCut(fast.parser, stream, cuts), code, `${name}, cuts ${cuts}`);
      assert.equal(fast.parser.error, full.parser.error, `${name}, cuts ${cuts}`);
      if (code !== 0) continue;
      assert.equal(fast.parser.messages, full.parser.messages, `${name}, cuts ${cuts}`);
      assert.equal(fast.parser.frames, frames.length, `${name}, cuts ${cuts}`);
      assert.deepEqual({ ...fast.parser.frame }, { ...full.parser.frame }, `${name}, cuts ${cuts}`);
    }
  }
});
