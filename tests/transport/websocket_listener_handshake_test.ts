import assert from "node:assert/strict";
import { buildUpgradeRequest } from "../../src/transport/websocket_client_handshake.ts";
import {
  handshakeErrorResponse,
  switchingProtocolsResponse,
  UpgradeRequestReader,
} from "../../src/transport/websocket_listener_handshake.ts";

const text = new TextEncoder();
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

const TCPKALI_REQUEST = buildUpgradeRequest({ hostHeader: "127.1:1235", path: "", headers: [] });

function request(lines: string[]): Uint8Array {
  return text.encode(lines.map((line) => `${line}\r\n`).join("") + "\r\n");
}

const VALID = [
  "GET /chat HTTP/1.1",
  "Host: example",
  "Upgrade: websocket",
  "Connection: Upgrade",
  "Sec-WebSocket-Key: abc",
  "Sec-WebSocket-Version: 13",
];

function feedAll(bytes: Uint8Array, options = {}) {
  return new UpgradeRequestReader(options).feed(bytes);
}

Deno.test("tcpkali's request is answered with tcpkali's exact 129-byte response", () => {
  const result = feedAll(TCPKALI_REQUEST);
  assert.equal(result.kind, "upgrade");
  if (result.kind !== "upgrade") return;
  assert.equal(result.consumed, 149);
  assert.equal(result.key, "x3JJHMbDL1EzLkh9GBhXDw==");
  assert.equal(result.target, "/");
  assert.equal(result.response.length, 129);
  assert.equal(
    decode(result.response),
    "HTTP/1.1 101 Switching Protocols\r\n" +
      "Upgrade: websocket\r\n" +
      "Connection: Upgrade\r\n" +
      "Sec-WebSocket-Accept: HSmrc0sMlYUkAGmm5OPpG2HaGWk=\r\n" +
      "\r\n",
  );
});

Deno.test("the request split at every byte position, with a frame behind it", () => {
  const stream = new Uint8Array([...TCPKALI_REQUEST, 0x81, 0x83, 0, 0, 0, 0, 65, 66, 67]);
  for (let cut = 0; cut <= stream.length; cut++) {
    const reader = new UpgradeRequestReader();
    const first = reader.feed(stream, 0, cut);
    if (first.kind === "upgrade") {
      assert.equal(first.consumed, 149, `cut at ${cut}`);
      continue;
    }
    assert.equal(first.kind, "incomplete", `cut at ${cut}`);
    const second = reader.feed(stream, cut);
    assert.equal(second.kind, "upgrade", `cut at ${cut}`);
    if (second.kind === "upgrade") assert.equal(second.consumed, 149 - cut);
  }
});

Deno.test("tcpkali's `abc` key is accepted and answered like tcpkali does", () => {
  const result = feedAll(request(VALID));
  assert.equal(result.kind, "upgrade");
  if (result.kind !== "upgrade") return;
  assert.match(
    decode(result.response),
    /\r\nSec-WebSocket-Accept: zwKd5BnoWxQ6GxTxxSmBSHGHX9M=\r\n/,
  );
  assert.equal(result.target, "/chat");
});

Deno.test("differs from tcpkali: `hello\\nSec-WebSocket-Key: abc` is not an upgrade request", () => {
  const result = feedAll(text.encode("hello\nSec-WebSocket-Key: abc\r\n\r\n"));
  assert.equal(result.kind, "refuse");
  if (result.kind !== "refuse") return;
  assert.equal(result.status, 400);
  assert.match(decode(result.response), /^HTTP\/1\.1 400 Bad Request\r\n/);
});

Deno.test("differs from tcpkali: padded keys and keys over 26 bytes are accepted", () => {
  const padded = VALID.map((l) =>
    l.startsWith("Sec-WebSocket-Key") ? "sec-websocket-key:   x3JJHMbDL1EzLkh9GBhXDw==  " : l
  );
  const result = feedAll(request(padded));
  assert.equal(result.kind, "upgrade");
  if (result.kind === "upgrade") assert.equal(result.response.length, 129);
  const long = VALID.map((l) =>
    l.startsWith("Sec-WebSocket-Key") ? `Sec-WebSocket-Key: ${"k".repeat(30)}` : l
  );
  assert.equal(feedAll(request(long)).kind, "upgrade");
});

Deno.test("differs from tcpkali: a request arriving in many small reads is accepted", () => {
  const reader = new UpgradeRequestReader();
  const bytes = request(VALID);
  for (let i = 0; i < bytes.length - 1; i++) {
    assert.equal(reader.feed(bytes, i, i + 1).kind, "incomplete");
  }
  assert.equal(reader.feed(bytes, bytes.length - 1).kind, "upgrade");
});

const REFUSED: [string, string[], number][] = [
  ["POST", VALID.map((l) => l.replace("GET", "POST")), 400],
  ["HTTP/1.0", VALID.map((l) => l.replace("HTTP/1.1", "HTTP/1.0")), 400],
  ["HTTP/2.0", VALID.map((l) => l.replace("HTTP/1.1", "HTTP/2.0")), 400],
  ["garbage request line", ["hello", ...VALID.slice(1)], 400],
  ["no Upgrade", VALID.filter((l) => !l.startsWith("Upgrade")), 400],
  ["Upgrade: h2c", VALID.map((l) => l.replace("Upgrade: websocket", "Upgrade: h2c")), 400],
  ["no Connection", VALID.filter((l) => !l.startsWith("Connection")), 400],
  ["no key", VALID.filter((l) => !l.startsWith("Sec-WebSocket-Key")), 400],
  ["empty key", VALID.map((l) => l.replace(": abc", ":")), 400],
  ["key with a space", VALID.map((l) => l.replace(": abc", ": a bc")), 400],
  ["two keys", [...VALID, "Sec-WebSocket-Key: abd"], 400],
  ["no version", VALID.filter((l) => !l.startsWith("Sec-WebSocket-Version")), 426],
  ["version 8", VALID.map((l) => l.replace("Version: 13", "Version: 8")), 426],
];

for (const [name, lines, status] of REFUSED) {
  Deno.test(`request refused: ${name} → ${status}`, () => {
    const result = feedAll(request(lines));
    assert.equal(result.kind, "refuse");
    if (result.kind === "refuse") assert.equal(result.status, status);
  });
}

Deno.test("426 advertises version 13; error responses carry their reason", () => {
  const response = decode(handshakeErrorResponse(426, "unsupported"));
  assert.equal(
    response,
    "HTTP/1.1 426 Upgrade Required\r\nConnection: close\r\n" +
      "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 12\r\n" +
      "Sec-WebSocket-Version: 13\r\n\r\nunsupported\n",
  );
});

Deno.test("a request head over the limit is refused with 431", () => {
  const big = request([...VALID, `X-Big: ${"x".repeat(9000)}`]);
  const result = feedAll(big);
  assert.equal(result.kind, "refuse");
  if (result.kind === "refuse") {
    assert.equal(result.status, 431);
    assert.match(decode(result.response), /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  }
  assert.equal(feedAll(big, { maxHeadBytes: 16384 }).kind, "upgrade");
});

Deno.test("strictKey demands 16 base64-encoded bytes", () => {
  assert.equal(feedAll(request(VALID), { strictKey: true }).kind, "refuse");
  assert.equal(feedAll(TCPKALI_REQUEST, { strictKey: true }).kind, "upgrade");
});

Deno.test("the 101 response for a repeated key is computed once and shared", () => {
  assert.equal(switchingProtocolsResponse("abc"), switchingProtocolsResponse("abc"));
});
