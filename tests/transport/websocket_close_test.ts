import assert from "node:assert/strict";
import {
  buildCloseFrame,
  CloseCode,
  closePayload,
  isValidCloseCode,
  parseClosePayload,
} from "../../src/transport/websocket_close.ts";

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

Deno.test("close frame from a server is unmasked, from a client masked with tcpkali's zero key", () => {
  assert.deepEqual(buildCloseFrame({ side: "server", code: 1000 }), bytes("\x88\x02\x03\xe8"));
  assert.deepEqual(
    buildCloseFrame({ side: "client", code: 1000, reason: "done" }),
    bytes("\x88\x86\x00\x00\x00\x00\x03\xe8done"),
  );
  assert.deepEqual(buildCloseFrame({ side: "server" }), bytes("\x88\x00"));
});

Deno.test("close frame from a client with a real mask round-trips through parseClosePayload", () => {
  const frame = buildCloseFrame({ side: "client", code: 4000, reason: "x", mask: 0xffffffff });
  assert.deepEqual(frame.subarray(0, 6), bytes("\x88\x83\xff\xff\xff\xff"));
  const payload = frame.slice(6).map((b) => b ^ 0xff);
  assert.deepEqual(parseClosePayload(payload), { code: 4000, reason: "x" });
});

Deno.test("reasons are cut to fit 125 bytes without splitting a character", () => {
  const payload = closePayload(CloseCode.goingAway, "é".repeat(100)); // 200 UTF-8 bytes
  assert.equal(payload.length, 2 + 122);
  const parsed = parseClosePayload(payload);
  assert.deepEqual(parsed, { code: 1001, reason: "é".repeat(61) });
});

Deno.test("codes that may not be sent are refused", () => {
  assert.throws(() => closePayload(1005), RangeError);
  assert.throws(() => closePayload(1006), RangeError);
  for (const code of [1000, 1003, 1007, 1011, 1014, 3000, 4999]) assert.ok(isValidCloseCode(code));
  for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000]) {
    assert.ok(!isValidCloseCode(code), String(code));
  }
});

Deno.test("parseClosePayload verdicts", () => {
  assert.deepEqual(parseClosePayload(new Uint8Array(0)), { code: 1005, reason: "" });
  assert.equal(parseClosePayload(bytes("\x03")), 1002);
  assert.equal(parseClosePayload(bytes("\x03\xed")), 1002);
  assert.equal(parseClosePayload(bytes("\x03\xe8\xc3")), 1007);
});
