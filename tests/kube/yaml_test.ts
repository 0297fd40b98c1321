import assert from "node:assert/strict";
import { parse } from "yaml";
import { toYaml } from "../../src/kube/yaml.ts";

/** Reads `text` as YAML 1.1 does (kubectl's reader) and as YAML 1.2 does. */
function readBoth(text: string): [unknown, unknown] {
  return [parse(text, { version: "1.1" }), parse(text, { version: "1.2" })];
}

Deno.test("plain data comes back unchanged from a YAML 1.1 and a 1.2 reader", () => {
  const data = {
    name: "kali",
    count: 3,
    ratio: -0.25,
    on: true,
    off: false,
    none: null,
    nested: { list: [1, "two", { three: 3, four: [4, [5, 6]] }], empty: [], nothing: {} },
    tricky: [
      "yes",
      "No",
      "on",
      "OFF",
      "y",
      "~",
      "null",
      "true",
      "1",
      "0.5",
      "1e3",
      "0x1F",
      "012",
      "-c",
      "- x",
      "a: b",
      "#x",
      "x #y",
      "$(JOB_COMPLETION_INDEX)/3",
      "",
      " lead",
      "trail ",
      "line\nbreak",
      "tab\there",
      'quote " and \\ backslash',
      "\\{connection.uid%10}\\r\\n",
      "caf\u00e9 \u2028 \u2029 \u0085",
      "[a]",
      "{a}",
      "*alias",
      "&anchor",
      "!tag",
      "%directive",
      "@at",
      "`tick",
      "'single'",
      "2025-01-31T12:00:00.000Z",
      "1024 65535",
      "metadata.annotations['batch.kubernetes.io/job-completion-index']",
    ],
    "key with: colon": "v",
    "yes": "key that reads as a boolean",
    "123": "numeric key",
  };
  const text = toYaml(data);
  for (const read of readBoth(text)) assert.deepEqual(read, data, text);
});

Deno.test("block layout: sequences under a key at the key's indent, as kubectl prints", () => {
  assert.equal(
    toYaml({ a: [{ b: 1, c: [2] }], d: {} }),
    "a:\n- b: 1\n  c:\n  - 2\nd: {}\n",
  );
});

Deno.test("undefined fields are left out; what is not plain data is refused", () => {
  assert.equal(toYaml({ a: 1, b: undefined }), "a: 1\n");
  assert.throws(() => toYaml({ a: new Date(0) }), TypeError);
  assert.throws(() => toYaml({ a: () => 1 }), TypeError);
  assert.throws(() => toYaml({ a: NaN }), RangeError);
});
