import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { contentDigest } from "../../src/content/digest.ts";
import type { ContentArg } from "../../src/content/types.ts";

const encoder = new TextEncoder();

/** The digest as results written by earlier kali versions computed it (node:crypto, streamed). */
function streamedDigest(args: ContentArg[], websocket: boolean): string {
  const hash = createHash("sha256");
  hash.update(websocket ? "ws\n" : "tcp\n");
  for (const arg of args) {
    hash.update(`${arg.kind} ${arg.unescape ? "e" : "-"} ${arg.bytes.length}\n`);
    hash.update(arg.bytes);
  }
  return hash.digest("hex");
}

const arg = (kind: ContentArg["kind"], bytes: Uint8Array, unescape = false): ContentArg => ({
  kind,
  bytes,
  unescape,
  origin: "-m",
});

Deno.test("contentDigest: the same SHA-256 as before, for every framing and content", async () => {
  const cases: ContentArg[][] = [
    [],
    [arg("message", encoder.encode("héllo \\x00 {re [a-z]+}"))],
    [arg("first", new Uint8Array([0, 255, 128]), true), arg("message", new Uint8Array(70000))],
  ];
  for (const args of cases) {
    for (const websocket of [false, true]) {
      assert.equal(await contentDigest(args, { websocket }), streamedDigest(args, websocket));
    }
  }
  assert.equal(
    await contentDigest([], { websocket: false }),
    "d155b4425d6984ff819d901a0f51c21b0b9a8b5b3e10811f780a35f412453a2b",
  );
});

Deno.test("contentDigest: content, its order and its framing all change it", async () => {
  const a = arg("message", encoder.encode("a"));
  const b = arg("message", encoder.encode("b"));
  const digests = new Set([
    await contentDigest([a, b], { websocket: false }),
    await contentDigest([b, a], { websocket: false }),
    await contentDigest([a, b], { websocket: true }),
    await contentDigest([a, { ...b, unescape: true }], { websocket: false }),
  ]);
  assert.equal(digests.size, 4);
});
