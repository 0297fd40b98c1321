import assert from "node:assert/strict";
import {
  buildUpgradeRequest,
  UpgradeResponseReader,
} from "../../src/transport/websocket_client_handshake.ts";
import { computeAcceptKey, TCPKALI_ACCEPT_KEY } from "../../src/transport/websocket_handshake.ts";

const text = new TextEncoder();
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

const RESPONSE = "HTTP/1.1 101 Switching Protocols\r\n" +
  "Upgrade: websocket\r\n" +
  "Connection: Upgrade\r\n" +
  "Sec-WebSocket-Accept: HSmrc0sMlYUkAGmm5OPpG2HaGWk=\r\n" +
  "\r\n";

Deno.test("tcpkali's accept value for its own key", () => {
  assert.equal(TCPKALI_ACCEPT_KEY, "HSmrc0sMlYUkAGmm5OPpG2HaGWk=");
  // RFC 6455 §1.3 example.
  assert.equal(computeAcceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
});

Deno.test("the request for 127.1:1235 is tcpkali's 149 bytes", () => {
  const request = buildUpgradeRequest({ hostHeader: "127.1:1235", path: "", headers: [] });
  assert.equal(request.length, 149);
  assert.equal(
    decode(request),
    "GET / HTTP/1.1\r\n" +
      "Host: 127.1:1235\r\n" +
      "Upgrade: websocket\r\n" +
      "Connection: Upgrade\r\n" +
      "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n" +
      "Sec-WebSocket-Version: 13\r\n" +
      "\r\n",
  );
  const longerPort = buildUpgradeRequest({ hostHeader: "127.1:27241", path: "", headers: [] });
  assert.equal(longerPort.length, 150);
});

Deno.test("path and -H lines land where tcpkali puts them (the 184-byte dump)", () => {
  const request = buildUpgradeRequest({
    hostHeader: "127.0.0.1:27234",
    path: "pba",
    headers: ["Origin: http://x", text.encode("X-Id: 1")],
  });
  assert.equal(request.length, 184);
  assert.equal(
    decode(request),
    "GET /pba HTTP/1.1\r\n" +
      "Host: 127.0.0.1:27234\r\n" +
      "Upgrade: websocket\r\n" +
      "Connection: Upgrade\r\n" +
      "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n" +
      "Sec-WebSocket-Version: 13\r\n" +
      "Origin: http://x\r\n" +
      "X-Id: 1\r\n" +
      "\r\n",
  );
});

Deno.test("header bytes are sent as given", () => {
  const request = buildUpgradeRequest({
    hostHeader: "h",
    path: "",
    headers: [Uint8Array.of(0xff)],
  });
  assert.deepEqual(request.subarray(-5), Uint8Array.of(0xff, 13, 10, 13, 10));
});

Deno.test("the 129-byte response is accepted when split at every byte, frames kept", () => {
  const stream = text.encode(RESPONSE + "\x81\x03ABC");
  assert.equal(RESPONSE.length, 129);
  for (let cut = 0; cut <= stream.length; cut++) {
    const reader = new UpgradeResponseReader();
    const first = reader.feed(stream, 0, cut);
    if (first.kind === "accepted") {
      assert.equal(first.consumed, 129, `cut at ${cut}`);
      continue;
    }
    assert.equal(first.kind, "incomplete", `cut at ${cut}`);
    const second = reader.feed(stream, cut);
    assert.deepEqual(second, { kind: "accepted", consumed: 129 - cut }, `cut at ${cut}`);
  }
});

Deno.test("a custom key is verified against its own accept value", () => {
  const key = "dGhlIHNhbXBsZSBub25jZQ==";
  const response = RESPONSE.replace(TCPKALI_ACCEPT_KEY, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  assert.equal(new UpgradeResponseReader({ key }).feed(text.encode(response)).kind, "accepted");
  assert.equal(new UpgradeResponseReader().feed(text.encode(response)).kind, "rejected");
});

const REJECTED: [string, string, number][] = [
  ["another status", "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 404],
  ["not HTTP at all", "XYZ\r\n\r\n", 0],
  ["HTTP/1.0", RESPONSE.replace("HTTP/1.1", "HTTP/1.0"), 0],
  ["no Upgrade", RESPONSE.replace("Upgrade: websocket\r\n", ""), 101],
  ["no Connection", RESPONSE.replace("Connection: Upgrade\r\n", ""), 101],
  ["wrong accept", RESPONSE.replace("HSmrc0", "XSmrc0"), 101],
  ["no accept", RESPONSE.replace(/Sec-WebSocket-Accept.*\r\n/, ""), 101],
];

for (const [name, response, status] of REJECTED) {
  Deno.test(`response rejected: ${name}`, () => {
    const result = new UpgradeResponseReader().feed(text.encode(response));
    assert.equal(result.kind, "rejected");
    if (result.kind === "rejected") assert.equal(result.status, status);
  });
}

Deno.test("response header names and tokens are case-insensitive", () => {
  const response = "HTTP/1.1 101 OK\r\nupgrade: WebSocket\r\nCONNECTION: keep-alive, upgrade\r\n" +
    "sec-websocket-accept: HSmrc0sMlYUkAGmm5OPpG2HaGWk=\r\n\r\n";
  assert.equal(new UpgradeResponseReader().feed(text.encode(response)).kind, "accepted");
});

Deno.test("an endless response head is rejected at the limit", () => {
  const reader = new UpgradeResponseReader({ maxHeadBytes: 100 });
  assert.equal(reader.feed(text.encode("HTTP/1.1 101 OK\r\n")).kind, "incomplete");
  assert.equal(reader.feed(text.encode(`X: ${"y".repeat(100)}`)).kind, "rejected");
});

Deno.test("a refusal names the status line received", () => {
  const reason = (response: string) => {
    const result = new UpgradeResponseReader().feed(text.encode(response));
    assert.equal(result.kind, "rejected");
    return result.kind === "rejected" ? result.reason : "";
  };
  assert.equal(
    reason("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"),
    'server answered "HTTP/1.1 200 OK"',
  );
  assert.equal(
    reason(RESPONSE.replace("HSmrc0", "XSmrc0")),
    'server answered "HTTP/1.1 101 Switching Protocols" with Sec-WebSocket-Accept ' +
      '"XSmrc0sMlYUkAGmm5OPpG2HaGWk=", expected HSmrc0sMlYUkAGmm5OPpG2HaGWk=',
  );
});
