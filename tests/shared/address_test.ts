import assert from "node:assert/strict";
import { isIP } from "node:net";
import { formatAddress, ipVersion } from "../../src/shared/address.ts";
import { Rng } from "../_helpers/fuzz.ts";

const CASES = [
  "127.0.0.1",
  "0.0.0.0",
  "255.255.255.255",
  "256.0.0.1",
  "127.1",
  "127.0.0.01",
  "1.2.3.4.5",
  "1.2.3.",
  "01.2.3.4",
  "localhost",
  "example.com",
  "",
  "::",
  "::1",
  "1::",
  "::ffff:127.0.0.1",
  "::127.0.0.1",
  "1:2:3:4:5:6:7:8",
  "1:2:3:4:5:6:7::",
  "1:2:3:4:5:6::8",
  "1:2:3:4:5:6:1.2.3.4",
  "1:2:3:4:5::1.2.3.4",
  "1:2:3:4:5:6:7:1.2.3.4",
  "1:2:3:4:5:6:7:8:9",
  "1::2::3",
  ":1:2:3:4:5:6:7",
  "1:2:3:4:5:6:7:",
  "1.2.3.4::",
  "::1.2.3.4:1",
  "12345::1",
  "fe80::1%eth0",
  "fe80::1%",
  "fe80::1%e/0",
  "FE80::ABCD",
  "g::1",
  "0:0:0:0:0:0:0:1",
  "[::1]",
  "1.2.3.4%eth0",
];

Deno.test("ipVersion classifies addresses as node:net's isIP does", () => {
  for (const text of CASES) assert.equal(ipVersion(text), isIP(text), text);
});

Deno.test("ipVersion agrees with node:net's isIP on random address-like strings", () => {
  const rng = new Rng(18);
  const pieces = [
    "1",
    "0",
    "00",
    "255",
    "256",
    "ffff",
    "12345",
    "a",
    "g",
    ".",
    ":",
    "::",
    "%",
    "z",
  ];
  let numeric = 0;
  for (let n = 0; n < 50000; n++) {
    const text = Array.from({ length: 1 + rng.below(16) }, () => rng.pick(pieces)).join("");
    const expected = isIP(text);
    assert.equal(ipVersion(text), expected, text);
    if (expected !== 0) numeric++;
  }
  assert.ok(numeric > 100, `only ${numeric} numeric addresses drawn`);
});

Deno.test("formatAddress shows IPv4-mapped addresses as IPv4", () => {
  assert.equal(formatAddress("::ffff:127.0.0.1", 80), "[127.0.0.1]:80");
  assert.equal(formatAddress("::1", 0), "[::1]:0");
});
