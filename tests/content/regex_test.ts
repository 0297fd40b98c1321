import assert from "node:assert/strict";
import { ByteWriter } from "../../src/content/buffers.ts";
import { Cursor } from "../../src/content/cursor.ts";
import { Random } from "../../src/content/random.ts";
import { parseRegex, regexSizes } from "../../src/content/regex.ts";
import { generateRegex } from "../../src/content/regex_generate.ts";
import type { RegexNode } from "../../src/content/types.ts";
import { compileMessage, encode, latin1, sourceFor } from "../_helpers/content.ts";

function parse(source: string): RegexNode {
  const cursor = new Cursor(encode(source));
  const node = parseRegex(cursor);
  assert.ok(cursor.atEnd, `parsed all of ${source}`);
  return node;
}

function draw(node: RegexNode, random: Random): string {
  const out = new ByteWriter();
  generateRegex(node, random, out);
  return latin1(out.view());
}

/** A random regex in kali syntax and the equivalent JavaScript source. */
function randomRegex(random: Random, depth: number, inGroup = false): { kali: string; js: string } {
  const alternatives = random.between(1, depth > 0 ? 3 : 1);
  const options = [];
  for (let a = 0; a < alternatives; a++) {
    const pieces = random.between(1, 4);
    let kali = "";
    let js = "";
    for (let p = 0; p < pieces; p++) {
      const kind = random.below(depth > 0 ? 3 : 2);
      if (kind === 0) {
        const text = Array.from(
          { length: random.between(1, 3) },
          () => "ab.xyz0_-/\\"[random.below(11)],
        )
          .join("");
        kali += text;
        js += text.replace(/[.\\/-]/g, (c) => `\\${c}`);
      } else if (kind === 1) {
        const members = ["a-f", "0-9", "xyz", "._", "Q", "\\"][random.below(6)];
        kali += `[${members}]`;
        js += `[${members.replace(/\\/g, "\\\\")}]`;
      } else {
        const inner = randomRegex(random, depth - 1, true);
        kali += `(${inner.kali})`;
        js += `(?:${inner.js})`;
      }
      // Nested groups get only fixed or optional quantifiers: nested variable
      // repeats make JavaScript's backtracking matcher explode.
      const quantifier = inGroup ? [0, 4][random.below(2)] : random.below(7);
      const n = random.between(0, 4);
      const m = random.between(n, 6);
      const [kq, jq] = [
        ["", ""],
        ["?", "?"],
        ["*", "{0,16}"],
        ["+", "{1,16}"],
        [`{${n}}`, `{${n}}`],
        [`{${n},${m}}`, `{${n},${m}}`],
        ["", ""],
      ][quantifier];
      kali += kq;
      js += jq;
    }
    options.push({ kali, js });
  }
  return { kali: options.map((o) => o.kali).join("|"), js: options.map((o) => o.js).join("|") };
}

Deno.test("property: every generated string matches the equivalent JavaScript RegExp", () => {
  const random = new Random(2024);
  for (let i = 0; i < 300; i++) {
    const { kali, js } = randomRegex(random, 2);
    const node = parse(kali);
    const matcher = new RegExp(`^(?:${js})$`);
    const sizes = regexSizes(node);
    for (let k = 0; k < 20; k++) {
      const drawn = draw(node, random);
      assert.match(drawn, matcher, `${kali} produced ${JSON.stringify(drawn)}`);
      assert.ok(drawn.length >= sizes.min && drawn.length <= sizes.max, `${kali} size bounds`);
    }
  }
});

Deno.test("property: fixed regexes through the full \\{re …} path", () => {
  const cases: [string, RegExp][] = [
    ["[a-z]{3}", /^[a-z]{3}$/],
    ["[0-9]{4}", /^[0-9]{4}$/],
    ["(GET|POST) /[a-z]+", /^(?:GET|POST)\/[a-z]{1,16}$/],
    ["ab{3}", /^abbb$/],
    ["x(ab|cd)*y", /^x(?:ab|cd){0,16}y$/],
    ["[-a]?[b-]{2,5}", /^[-a]?[b-]{2,5}$/],
    ["a b c+", /^a b c{1,16}$/],
    ["(hello|bye) world", /^(?:hello|bye)world$/],
    ["[a-c]{5,2}", /^[a-c]{2,5}$/],
    ["[}]", /^\}$/],
    ["[^]", /^\^$/],
    ["a.b\\", /^a\.b\\$/],
  ];
  for (const [source, matcher] of cases) {
    const content = compileMessage(`\\{re ${source}}`);
    const source1 = sourceFor(content);
    for (let k = 0; k < 50; k++) {
      assert.match(latin1(source1.block), matcher, source);
      source1.refill();
    }
  }
});

Deno.test("alternation and class members are all reachable (uniform choice)", () => {
  const random = new Random(5);
  const seen = new Map<string, number>();
  const node = parse("a|b|c|d");
  for (let i = 0; i < 4000; i++) {
    const s = draw(node, random);
    seen.set(s, (seen.get(s) ?? 0) + 1);
  }
  assert.deepEqual([...seen.keys()].sort(), ["a", "b", "c", "d"]);
  for (const count of seen.values()) assert.ok(count > 850 && count < 1150);
  const digits = new Set(Array.from({ length: 2000 }, () => draw(parse("[0-9]"), random)));
  assert.equal(digits.size, 10);
});

Deno.test("size bookkeeping: min/avg/max", () => {
  assert.deepEqual(regexSizes(parse("abc")), { min: 3, avg: 3, max: 3 });
  assert.deepEqual(regexSizes(parse("[a-z]{3}")), { min: 3, avg: 3, max: 3 });
  assert.deepEqual(regexSizes(parse("a?")), { min: 0, avg: 0, max: 1 });
  assert.deepEqual(regexSizes(parse("a*")), { min: 0, avg: 8, max: 16 });
  assert.deepEqual(regexSizes(parse("a+")), { min: 1, avg: 8, max: 16 });
  assert.deepEqual(regexSizes(parse("(ab|cdef|g)")), { min: 1, avg: 2, max: 4 });
  assert.deepEqual(regexSizes(parse("x{2,5}")), { min: 2, avg: 3, max: 5 });
  assert.deepEqual(regexSizes(parse("(ab){2,5}")), { min: 4, avg: 7, max: 10 });
});

Deno.test("repeat counts reach every value of their range, wide ranges too", () => {
  const random = new Random(8);
  const lengths = new Set(
    Array.from({ length: 400 }, () => draw(parse("[ab]{2,5}"), random).length),
  );
  assert.deepEqual([...lengths].sort(), [2, 3, 4, 5]);
  // A span over 65536 counts is drawn from the generator directly.
  const wide = Array.from({ length: 8 }, () => draw(parse("a{0,70000}"), random).length);
  assert.ok(wide.every((n) => n >= 0 && n <= 70000), String(wide));
  assert.ok(new Set(wide).size > 1, String(wide));
  assert.ok(wide.some((n) => n > 35000), String(wide));
});
