/**
 * Fuzzing the WebSocket upgrade head in both directions (the listener
 * reading a client's request, the client reading a server's response):
 * seeded mutations, fed in random cuts, never throw, give the same verdict
 * however they are cut, explain a refusal in one line, and are read in
 * linear time.
 */
import assert from "node:assert/strict";
import { buildUpgradeRequest } from "../../src/transport/websocket_client_handshake.ts";
import { UpgradeResponseReader } from "../../src/transport/websocket_client_handshake.ts";
import {
  switchingProtocolsResponse,
  UpgradeRequestReader,
} from "../../src/transport/websocket_listener_handshake.ts";
import { TCPKALI_WEBSOCKET_KEY } from "../../src/transport/websocket_handshake.ts";
import { assertLinear, assertOneLine, mutate, randomCuts, Rng, utf8 } from "../_helpers/fuzz.ts";

const REQUESTS = [
  buildUpgradeRequest({ hostHeader: "127.1:1235", path: "", headers: [] }),
  buildUpgradeRequest({ hostHeader: "h", path: "chat?x=1", headers: ["X-A: b", "Origin: o"] }),
  utf8(
    "GET / HTTP/1.1\nupgrade: WebSocket\nconnection: keep-alive, upgrade\n" +
      "sec-websocket-version: 13\nsec-websocket-key: abc\n\nFRAMES",
  ),
];
const RESPONSES = [
  switchingProtocolsResponse(TCPKALI_WEBSOCKET_KEY),
  utf8("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"),
  utf8(
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n" +
      "Sec-WebSocket-Accept: HSmrc0sMlYUkAGmm5OPpG2HaGWk=\r\n\r\n\x81\x02hi",
  ),
];
const DICTIONARY = ["\r\n", "\n", ":", " ", "\t", ",", "HTTP/1.1", "Upgrade", "websocket", "\x00"]
  .map(utf8);

/** Feeds `bytes` in pieces; returns the first result that is not `incomplete`, as text. */
function verdict<T extends { kind: string }>(
  feed: (chunk: Uint8Array, from: number, to: number) => T,
  bytes: Uint8Array,
  cuts: number[],
): { result: T; consumed: number } {
  let from = 0;
  let result = { kind: "incomplete" } as T;
  for (const cut of [...cuts, bytes.length]) {
    if (cut === from) continue;
    result = feed(bytes, from, cut);
    if (result.kind !== "incomplete") {
      const consumed = "consumed" in result ? from + (result.consumed as number) : -1;
      return { result, consumed };
    }
    from = cut;
  }
  return { result, consumed: -1 };
}

/** The parts of a verdict that must not depend on the cuts. */
function summary(v: { result: { kind: string }; consumed: number }): string {
  const r = v.result as Record<string, unknown>;
  return JSON.stringify([r.kind, r.status ?? null, r.reason ?? null, r.key ?? null, v.consumed]);
}

Deno.test("mutated upgrade requests: no throw, one verdict, one-line refusals", () => {
  const rng = new Rng(0x101);
  let refused = 0;
  for (let round = 0; round < 5000; round++) {
    const bytes = mutate(rng, rng.pick(REQUESTS), DICTIONARY);
    const options = {
      maxHeadBytes: rng.next() < 0.2 ? 64 + rng.below(100) : undefined,
      strictKey: rng.next() < 0.2,
    };
    const read = (cuts: number[]) => {
      const reader = new UpgradeRequestReader(options);
      return verdict((c, f, t) => reader.feed(c, f, t), bytes, cuts);
    };
    const whole = read([]);
    const context = `round ${round}: ${JSON.stringify(new TextDecoder().decode(bytes))}`;
    if (whole.result.kind === "refuse") {
      refused++;
      assert.ok([400, 426, 431].includes(whole.result.status), context);
      assertOneLine(whole.result.reason, context, 120);
    }
    for (let i = 0; i < 3; i++) {
      assert.equal(summary(read(randomCuts(rng, bytes.length, 6))), summary(whole), context);
    }
  }
  assert.ok(refused > 500, `${refused} refusals`);
});

Deno.test("mutated upgrade responses: no throw, one verdict, one-line reasons", () => {
  const rng = new Rng(0x65);
  let rejected = 0;
  for (let round = 0; round < 5000; round++) {
    const bytes = mutate(rng, rng.pick(RESPONSES), DICTIONARY);
    const maxHeadBytes = rng.next() < 0.2 ? 64 + rng.below(100) : undefined;
    const read = (cuts: number[]) => {
      const reader = new UpgradeResponseReader({ maxHeadBytes });
      return verdict((c, f, t) => reader.feed(c, f, t), bytes, cuts);
    };
    const whole = read([]);
    const context = `round ${round}: ${JSON.stringify(new TextDecoder().decode(bytes))}`;
    if (whole.result.kind === "rejected") {
      rejected++;
      assertOneLine(whole.result.reason, context, 300);
    }
    for (let i = 0; i < 3; i++) {
      assert.equal(summary(read(randomCuts(rng, bytes.length, 6))), summary(whole), context);
    }
  }
  assert.ok(rejected > 500, `${rejected} rejections`);
});

Deno.test("reading a head is linear in its size, whole or byte by byte", () => {
  const limit = 16 * 1024 * 1024;
  const request = (lines: string) =>
    utf8(
      "GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + lines +
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: abc\r\n\r\n",
    );
  const families: [string, (size: number) => Uint8Array][] = [
    ["many header fields", (n) => request("X-Field: value\r\n".repeat(n / 16))],
    ["one long header value", (n) => request(`X-Long: ${"v".repeat(n)}\r\n`)],
    ["many leading empty lines", (n) => utf8("\r\n".repeat(n / 2) + "GET / HTTP/1.1\r\n\r\n")],
    ["many Connection tokens", (n) => request(`Connection: ${"a, ".repeat(n / 3)}upgrade\r\n`)],
  ];
  for (const [name, make] of families) {
    assertLinear(name, make, (bytes) => {
      new UpgradeRequestReader({ maxHeadBytes: limit }).feed(bytes);
      const reader = new UpgradeRequestReader({ maxHeadBytes: limit });
      for (let at = 0; at < bytes.length; at += 3) {
        if (reader.feed(bytes, at, Math.min(bytes.length, at + 3)).kind !== "incomplete") break;
      }
      new UpgradeResponseReader({ maxHeadBytes: limit }).feed(bytes);
    }, { size: 16 * 1024 });
  }
});
