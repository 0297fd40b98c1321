import assert from "node:assert/strict";
import { EXIT } from "../../src/errors.ts";
import { compileContent } from "../../src/content/template.ts";
import { arg, compileMessage, latin1, sourceFor, usageErrorOf } from "../_helpers/content.ts";

const render = (text: string, unescape = false, uid = 1) =>
  latin1(sourceFor(compileMessage(text, unescape), uid).block);

Deno.test("literal text: only \\{ opens an expression; \\\\ is a literal unit", () => {
  assert.equal(render("\\\\{connection.uid}"), "\\\\{connection.uid}");
  assert.equal(render("a\\b{c}\\"), "a\\b{c}\\");
  assert.equal(render("\\\\\\{connection.uid}", false, 5), "\\\\5");
  assert.equal(render("a\\nb"), "a\\nb", "no unescaping without -e");
  assert.equal(render("a\\nb", true), "a\nb");
  assert.equal(
    render("\\x41\\{connection.uid}\\x42", true, 3),
    "A3B",
    "each literal run unescaped",
  );
});

Deno.test("quoted strings inside expressions are always unescaped", () => {
  assert.equal(render('\\{raw "\\x41\\"b"}'), 'A"b');
  const close = sourceFor(compileMessage('\\{ws.close "\\x03\\xe8"}'), 1, "server").block;
  assert.deepEqual([...close], [0x88, 0x02, 0x03, 0xe8]);
});

Deno.test("whitespace between tokens is ignored", () => {
  assert.equal(render("\\{ connection . uid % 10 }", false, 42), "2");
  assert.equal(render("\\{\tconnection.uid\n%\r7}", false, 9), "2");
});

Deno.test("connection.uid, % N chains, message.marker % N", () => {
  assert.equal(render("PFX-\\{connection.uid%10}", false, 1), "PFX-1");
  assert.equal(render("PFX-\\{connection.uid%10}", false, 13), "PFX-3");
  assert.equal(render("\\{connection.uid % 10 % 4}", false, 17), "3");
  assert.equal(render("\\{message.marker % 5}"), "0");
});

Deno.test("connection.ptr: 0x hex, unique per connection, numeric under %", () => {
  const content = compileMessage("\\{connection.ptr}");
  const a = latin1(sourceFor(content, 1).block);
  const b = latin1(sourceFor(content, 2).block);
  assert.match(a, /^0x[0-9a-f]{12}$/);
  assert.notEqual(a, b);
  assert.equal(latin1(sourceFor(content, 1).block), a, "same uid, same pointer");
  const mod = latin1(sourceFor(compileMessage("\\{connection.ptr%2}"), 1).block);
  assert.equal(mod, String(Number(a) % 2));
});

Deno.test("raw: quoted, file and nested expressions", () => {
  const file = Deno.makeTempFileSync();
  Deno.writeTextFileSync(file, "FILE");
  try {
    assert.equal(
      render(`\\{raw <${file}>}|\\{raw {connection.uid}}|\\{raw {raw "x"}}`, false, 4),
      "FILE|4|x",
    );
    assert.equal(render(`<\\{<${file}>}>`), "<FILE>");
    assert.equal(render(`\\{<"${file}">}`), "FILE", "quoted file name");
  } finally {
    Deno.removeSync(file);
  }
});

Deno.test("file names: every spacing inside the angle brackets, in every file expression", () => {
  const FILE = [...new TextEncoder().encode("FILE")];
  const file = Deno.makeTempFileSync();
  Deno.writeTextFileSync(file, "FILE");
  try {
    for (const spaced of [`<${file}>`, `< ${file} >`, `<  "${file}"  >`, `< "${file}">`]) {
      assert.equal(render(`\\{${spaced}}`), "FILE", spaced);
      assert.equal(render(`\\{ raw ${spaced} }`), "FILE", `raw ${spaced}`);
      const frame = sourceFor(compileMessage(`\\{ws.binary ${spaced}}`), 1, "server").block;
      assert.deepEqual([...frame], [0x82, 4, ...FILE], `ws.binary ${spaced}`);
    }
    const twice = sourceFor(compileMessage(`\\{ws.text < ${file} > <"${file}" >}`), 1, "server");
    assert.deepEqual([...twice.block], [0x81, 8, ...FILE, ...FILE], "two files in one frame");
    // tcpkali's own example: `\{ws.binary < "/dev/null" >}` is an empty binary frame.
    for (const empty of ['\\{ws.binary < "/dev/null" >}', "\\{ws.binary < /dev/null >}"]) {
      assert.deepEqual([...sourceFor(compileMessage(empty), 1, "server").block], [0x82, 0x00]);
    }
  } finally {
    Deno.removeSync(file);
  }
});

Deno.test("file names: tcpkali's lexer errors inside the angle brackets", () => {
  assert.deepEqual(linesOf("\\{< >}").slice(0, 1), [
    `Parse error near token ">": syntax error, unexpected '>', expecting file name`,
  ]);
  assert.deepEqual(linesOf("\\{<a b>}").slice(0, 1), [
    `Parse error near token "b": syntax error, unexpected file name, expecting '>'`,
  ]);
  assert.deepEqual(linesOf("\\{< /etc/hostname").slice(0, 1), [
    `Parse error near token "": syntax error, unexpected end of expression, expecting '>'`,
  ]);
  assert.deepEqual(linesOf("\\{</tmp/a(1)>}").slice(0, 2), [
    "Unexpected filename format: /tmp/a(1)",
    `Parse error near token "/tmp/a(1)": syntax error, unexpected end of expression, expecting file name`,
  ]);
  assert.match(linesOf('\\{<"c:\\x\\">}')[0], /ends with a backslashed quote$/);
  // A tab is not skipped before a name: it starts the name, as in tcpkali.
  assert.deepEqual(linesOf("\\{<\t/nonexistent>}"), [
    `Can't open "\t/nonexistent": No such file or directory`,
  ]);
});

Deno.test("file bytes are kept verbatim (no unescaping, NUL kept)", () => {
  const file = Deno.makeTempFileSync();
  Deno.writeFileSync(file, Uint8Array.of(0x5c, 0x6e, 0x00, 0x41));
  try {
    const block = sourceFor(compileMessage(`\\{<${file}>}`, true)).block;
    assert.deepEqual([...block], [0x5c, 0x6e, 0x00, 0x41]);
  } finally {
    Deno.removeSync(file);
  }
});

function linesOf(text: string): string[] {
  const error = usageErrorOf(() => compileMessage(text));
  assert.equal(error.exitCode, EXIT.failure);
  return error.lines;
}

Deno.test("2.3 rows: exact parse-error messages, exit 1", () => {
  assert.deepEqual(linesOf("\\{foo}"), [
    "Unexpected token in message expression: foo",
    'Parse error near token "foo": syntax error, unexpected end of expression',
    'Failed to parse ""\\\\{foo}""',
  ]);
  assert.deepEqual(linesOf("\\{connection.uid"), [
    `Parse error near token "": syntax error, unexpected end of expression, expecting '}'`,
    'Failed to parse ""\\\\{connection.uid""',
  ]);
  assert.deepEqual(linesOf("\\{re [a-z}"), [
    `Parse error near token "": syntax error, unexpected end of expression, expecting arbitrary string or regex character class range or ']'`,
    'Failed to parse ""\\\\{re [a-z}""',
  ]);
  assert.deepEqual(linesOf("\\{</nonexistent>}"), [
    `Can't open "/nonexistent": No such file or directory`,
  ]);
});

Deno.test("% 0 and > 16 regex pieces are parse errors, exit 1 (tcpkali crashed on them)", () => {
  const modulo = linesOf("\\{connection.uid%0}");
  assert.match(modulo[0], /^Parse error near token "0" at byte 17: modulo by zero/);
  assert.equal(modulo[1], 'Failed to parse ""\\\\{connection.uid%0}""');
  const alternatives = Array.from({ length: 17 }, (_, i) => String.fromCharCode(97 + i)).join("|");
  assert.match(linesOf(`\\{re ${alternatives}}`)[0], /more than 16 alternatives/);
  assert.match(linesOf(`\\{re ${"[a]".repeat(17)}}`)[0], /more than 16 pieces/);
  // exactly 16 is fine
  compileMessage(`\\{re ${alternatives.slice(0, -2)}}`);
  compileMessage(`\\{re ${"[a]".repeat(16)}}`);
});

Deno.test("other syntax errors are one line each, then Failed to parse", () => {
  for (
    const bad of [
      '\\{"abc"}',
      "\\{ws.text {connection.uid}}",
      "\\{raw {ws.text}}",
      "\\{connection.foo}",
      "\\{ws.bogus}",
      "\\{re a||b}",
      "\\{re ()}",
      "\\{re a{2,}}",
      "\\{re []}",
      "\\{}",
      "\\{connection.uid %}",
      '\\{raw "abc}',
    ]
  ) {
    const lines = linesOf(bad);
    assert.ok(lines.length >= 2 && lines.length <= 3, bad);
    assert.match(lines[lines.length - 2], /^Parse error near token /, bad);
    assert.ok(lines[lines.length - 1].startsWith('Failed to parse ""'), bad);
    for (const line of lines) assert.ok(!line.includes("\n"), `one line each: ${bad}`);
  }
  assert.deepEqual(linesOf("\\{connection.foo}").slice(0, 1), [
    "Unexpected token in message expression: foo",
  ]);
});

Deno.test("the first bad argument wins; errors come at compile time", () => {
  const error = usageErrorOf(() => compileContent([arg("ok"), arg("\\{bad}"), arg("\\{worse}")]));
  assert.equal(error.lines[0], "Unexpected token in message expression: bad");
});

Deno.test("no stdout debug print for classes with literal characters (tcpkali printed one)", () => {
  const original = console.log;
  const printed: unknown[] = [];
  console.log = (...args: unknown[]) => printed.push(args);
  try {
    compileMessage("\\{re [abc]+}");
  } finally {
    console.log = original;
  }
  assert.deepEqual(printed, []);
});

Deno.test("deep nesting fails with one line at the position, not a RangeError", () => {
  const regex = `\\{re ${"(".repeat(5000)}a${")".repeat(5000)}}`;
  const lines = linesOf(regex);
  assert.equal(lines.length, 2);
  assert.equal(
    lines[0],
    'Parse error near token "(" at byte 37: regular expression nested deeper than 32 levels',
  );
  const raw = `\\{${"raw {".repeat(5000)}raw "x"${"}".repeat(5000)}}`;
  assert.equal(
    linesOf(raw)[0],
    'Parse error near token "{" at byte 166: expression nested deeper than 32 levels',
  );
  const stacked = linesOf(`\\{re a${"*".repeat(5000)}}`)[0];
  assert.equal(
    stacked,
    'Parse error near token "*" at byte 38: regular expression nested deeper than 32 levels',
  );
  // 32 levels are fine
  const deepest = `\\{re ${"(".repeat(32)}a${")".repeat(32)}}`;
  assert.equal(render(deepest), "a");
  assert.equal(render(`\\{${"raw {".repeat(32)}raw "x"${"}".repeat(32)}}`), "x");
});

Deno.test("a regex that would take unbounded work to draw is refused", () => {
  for (const bad of ["a{99999999}{99999999}", "((a{0}){99999}){99999}", `a{${"9".repeat(400)}}`]) {
    const lines = linesOf(`\\{re ${bad}}`);
    assert.match(lines[0], /at byte 5: regular expression too large to draw/, bad);
  }
  assert.equal(render("\\{re a{3}{2}}"), "aaaaaa");
});

Deno.test("errors in a long argument quote a short excerpt around the position", () => {
  const size = 3 * 1024 * 1024;
  const text = "x\n".repeat(size / 2) + "\\{bogus}" + "y".repeat(1000);
  const lines = linesOf(text);
  const offset = size + 2;
  assert.equal(lines[0], "Unexpected token in message expression: bogus");
  const failed = lines.at(-1)!;
  assert.ok(failed.length < 200, `${failed.length} characters`);
  assert.ok(
    failed.endsWith(
      `(bytes ${offset - 32}-${offset + 32} of ${text.length}, error at byte ${offset})`,
    ),
    failed,
  );
  assert.ok(failed.startsWith('Failed to parse ""...x\\nx\\n'), failed);
  for (const line of lines) assert.ok(!line.includes("\n"), line);
  // a token of megabytes (an unterminated quoted string) is cut too
  const quoted = linesOf(`\\{ "${"q".repeat(size)}`);
  for (const line of quoted) assert.ok(line.length < 300, `${line.length} characters`);
  assert.match(
    quoted[0],
    /^Parse error near token ""q{39}\.\.\.": syntax error, unexpected quoted string$/,
  );
  const word = linesOf(`\\{${"w".repeat(size)}}`);
  assert.equal(word[0], `Unexpected token in message expression: ${"w".repeat(40)}...`);
});
