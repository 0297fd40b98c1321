/**
 * The README's option table and `kali --help` name the same options, so the
 * front door cannot drift from the code.
 */
import assert from "node:assert/strict";
import { longHelp } from "../../src/cli/help.ts";
import { parseArgs } from "../../src/cli/options.ts";

/** Every `-x` and `--long-name` in `text`, with `--a-{b,c}` spelled out. */
function optionNames(text: string): Set<string> {
  const names = new Set<string>();
  const expanded = text.replace(
    /--([a-z-]*)\{([a-z,-]+)\}/g,
    (_, stem: string, tails: string) => tails.split(",").map((t) => `--${stem}${t}`).join(" "),
  );
  for (const match of expanded.matchAll(/(?<![\w-])(--[a-z][a-z0-9-]*|-[a-zA-Z0-9])(?![\w])/g)) {
    names.add(match[1]);
  }
  return names;
}

/** The first column of the README's "## Options" table. */
function readmeOptionColumn(): string {
  const readme = Deno.readTextFileSync(new URL("../../README.md", import.meta.url));
  const section = readme.split(/^## /m).find((s) => s.startsWith("Options\n"));
  assert.ok(section, "README has no ## Options section");
  return section.split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => line.split(/(?<!\\)\|/)[1])
    .join("\n");
}

Deno.test("the README's option table lists exactly the options of --help", () => {
  // The option column only: descriptions may name flags of other tools.
  const readme = optionNames(readmeOptionColumn());
  // The usage line and option lines; the units section names no options.
  const help = optionNames(longHelp("kali", 2).split("Variable units")[0]);
  assert.ok(help.size > 50, `only ${help.size} options found in --help`);
  assert.deepEqual([...help].filter((o) => !readme.has(o)).sort(), [], "missing from the README");
  assert.deepEqual([...readme].filter((o) => !help.has(o)).sort(), [], "not in --help");
});

/** Splits a README command line the way sh would (quotes, no expansion). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) {
    words.push(match[1] ?? match[2] ?? match[3]);
  }
  return words;
}

Deno.test("every kali command in the README is accepted by the option parser", () => {
  const readme = Deno.readTextFileSync(new URL("../../README.md", import.meta.url));
  const commands = readme.split("\n").flatMap((line) => {
    const args = line.match(
      /^(?:kali|\.\/scripts\/deno task kali|deno run .*(?:main\.ts|jsr:@kali\/cli)) (.*)$/,
    );
    return args ? [args[1]] : [];
  });
  assert.ok(commands.length >= 20, `only ${commands.length} commands found`);
  // The parser reads message files: give it the ones the examples name.
  const cwd = Deno.cwd();
  const dir = Deno.makeTempDirSync();
  try {
    Deno.chdir(dir);
    for (const command of commands) {
      const words = shellWords(command);
      words.forEach((w, i) => {
        if (/^(-f|--message-file|--first-message-file)$/.test(w)) {
          Deno.writeTextFileSync(words[i + 1], "x");
        }
      });
      assert.equal(parseArgs(words).kind, "run", command);
    }
  } finally {
    Deno.chdir(cwd);
    Deno.removeSync(dir, { recursive: true });
  }
});
