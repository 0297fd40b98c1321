/**
 * What `parseArgs` makes of about 650 command lines: every long option alone,
 * every prefix of every long option, short options, valid and invalid values
 * of each option, and getopt's forms (short-flag groups with and without a
 * value, `--` anywhere, values that start with `-`, empty words, unknown
 * options before and after others). The fixture holds the outcomes observed
 * before the option table replaced the hand-written registrations, and those
 * of the library parser that kali's own argv scanner replaced; it pins
 * registration, abbreviation (including the order of the ambiguity lists),
 * getopt's error words and every value check.
 *
 * Fixture lines: the argv as JSON, a tab, then `run <RawOptions as JSON>`,
 * `exit <code> <which screen>` or `error <code> <lines as JSON>[ +long-help]`.
 * `@FILE@` stands for tests/cli/fixtures/message.txt.
 */
import assert from "node:assert/strict";
import { parseArgs } from "../../src/cli/options.ts";
import { longHelp, shortHelp, versionText } from "../../src/cli/help.ts";
import { UsageError } from "../../src/errors.ts";

const FILE = new URL("./fixtures/message.txt", import.meta.url).pathname;

function bytesAsText(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? { bytes: new TextDecoder("latin1").decode(value) } : value;
}

function screen(stdout: string): string {
  const cpus = navigator.hardwareConcurrency;
  if (stdout === longHelp("kali", cpus)) return "long-help";
  if (stdout === shortHelp("kali")) return "short-help";
  if (stdout === versionText() + "\n") return "version";
  return JSON.stringify(stdout);
}

/** The outcome of one command line, written as the fixture writes it. */
function outcome(argv: string[]): string {
  try {
    const parsed = parseArgs(argv.map((arg) => arg === "@FILE@" ? FILE : arg));
    if (parsed.kind === "exit") return `exit ${parsed.exitCode} ${screen(parsed.stdout)}`;
    const { argv: _argv, ...options } = parsed.options;
    return "run " + JSON.stringify(options, bytesAsText).replaceAll(FILE, "@FILE@");
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const help = error.stdout === ""
      ? ""
      : ` +${error.stdout === longHelp("kali", navigator.hardwareConcurrency) ? "long-help" : "?"}`;
    return `error ${error.exitCode} ${JSON.stringify(error.lines)}${help}`;
  }
}

Deno.test("parseArgs gives the observed outcome for every recorded command line", () => {
  const lines = Deno.readTextFileSync(new URL("./fixtures/parse_outcomes.txt", import.meta.url))
    .split("\n").filter((line) => line !== "");
  assert.ok(lines.length > 600, `only ${lines.length} cases`);
  const differences: string[] = [];
  for (const line of lines) {
    const [argv, expected] = line.split("\t");
    const actual = outcome(JSON.parse(argv));
    if (actual !== expected) {
      differences.push(`${argv}\n  expected ${expected}\n  actual   ${actual}`);
    }
  }
  assert.deepEqual(differences, []);
});

Deno.test("the argv is kept as given for the JSON result", () => {
  const argv = ["--dur", "1", "-em", "x", "h:1"];
  const parsed = parseArgs(argv);
  assert.ok(parsed.kind === "run");
  assert.deepEqual(parsed.options.argv, argv);
});
