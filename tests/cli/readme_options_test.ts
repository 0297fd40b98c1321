/**
 * The README's option table is the option table's README rows, and it names
 * the same options as `kali --help`, so the front door cannot drift from
 * the code.
 */
import assert from "node:assert/strict";
import { buildPlan } from "../../src/cli/build_plan.ts";
import { longHelp } from "../../src/cli/help.ts";
import { optionNamed, OPTIONS, type ReadmeRow } from "../../src/cli/option_table.ts";
import { parseArgs } from "../../src/cli/options.ts";
import { k8sJobCommand } from "../../src/commands/k8s_job.ts";
import { parseResultArgs } from "../../src/commands/result_files.ts";
import type { RunPlan } from "../../src/plan.ts";

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

/** The rows of the option table in the README's "## Options", cells split and trimmed. */
function readmeRows(): string[][] {
  const readme = Deno.readTextFileSync(new URL("../../README.md", import.meta.url));
  const section = readme.split(/^## /m).find((s) => s.startsWith("Options\n"));
  assert.ok(section, "README has no ## Options section");
  const lines = section.split("\n");
  const header = lines.findIndex((line) => /^\| option +\| default +\| meaning +\|$/.test(line));
  assert.ok(header >= 0, "no option | default | meaning table");
  const end = lines.findIndex((line, i) => i > header && !line.startsWith("|"));
  return lines.slice(header + 2, end)
    .map((line) => line.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim()));
}

/** A README row as the option table holds it: `\|` unescaped, backticks of the first cell off. */
function asTableRow([option, byDefault, meaning]: string[]): ReadmeRow {
  const unescape = (cell: string) => cell.replaceAll("\\|", "|");
  return {
    option: [...unescape(option).matchAll(/`([^`]*)`/g)].map((m) => m[1]),
    default: unescape(byDefault),
    meaning: unescape(meaning),
  };
}

const byOption = (a: ReadmeRow, b: ReadmeRow) =>
  a.option.join() < b.option.join() ? -1 : a.option.join() > b.option.join() ? 1 : 0;

Deno.test("the README's option table holds exactly the option table's README rows", () => {
  const readme = readmeRows().map(asTableRow).sort(byOption);
  const table = OPTIONS.flatMap((o) => o.readme ?? []).sort(byOption);
  assert.ok(table.length > 40, `only ${table.length} rows`);
  assert.deepEqual(readme, table);
});

Deno.test("every option of the table is named by --help and by the README", () => {
  const help = optionNames(longHelp("kali", 2).split("Variable units")[0]);
  const readme = optionNames(readmeRows().map((cells) => cells[0]).join("\n"));
  for (const option of OPTIONS) {
    for (const flag of [option.short && `-${option.short}`, option.long && `--${option.long}`]) {
      if (!flag) continue;
      assert.ok(help.has(flag), `${flag} is not in --help`);
      assert.ok(readme.has(flag), `${flag} is not in the README`);
    }
  }
});

Deno.test("the README's option table lists exactly the options of --help", () => {
  // The option column only: descriptions may name flags of other tools.
  const readme = optionNames(readmeRows().map((cells) => cells[0]).join("\n"));
  // The usage line and option lines; the units section names no options.
  const help = optionNames(longHelp("kali", 2).split("Variable units")[0]);
  assert.ok(help.size > 50, `only ${help.size} options found in --help`);
  assert.deepEqual([...help].filter((o) => !readme.has(o)).sort(), [], "missing from the README");
  assert.deepEqual([...readme].filter((o) => !help.has(o)).sort(), [], "not in --help");
});

/** Defaults the README describes in words rather than as a value to type. */
const DESCRIBED = new Set(["", "unlimited", "forever", "CPUs", "untouched", "detected"]);

async function planOf(argv: string[]): Promise<RunPlan> {
  const parsed = parseArgs(argv);
  assert.ok(parsed.kind === "run", argv.join(" "));
  const plan = await buildPlan(parsed.options, { say: () => {} });
  // The argv differs by design, and each compiled content gets its own pointer base.
  return {
    ...plan,
    outputs: { ...plan.outputs, argv: [] },
    content: { ...plan.content, pointerBase: 0 },
  };
}

Deno.test("a default the README gives as a value changes nothing when typed", async () => {
  // Latency and StatsD on, so that their defaults show in the plan.
  const base = ["--latency-connect", "--statsd", "127.0.0.1:1"];
  const plain = await planOf(base);
  const checked: string[] = [];
  for (const row of OPTIONS.flatMap((o) => o.readme ?? [])) {
    const values = row.default.split(", ");
    // One value for aliases (`-c`, `--connections <N>`), or one per option listed.
    const names = values.length === row.option.length ? row.option : [row.option.at(-1)!];
    for (const [i, name] of names.entries()) {
      const flag = name.split(" ")[0];
      if (DESCRIBED.has(values[i]) || !optionNamed(flag).value) continue;
      assert.deepEqual(await planOf([flag, values[i], ...base]), plain, `${flag} ${values[i]}`);
      checked.push(flag);
    }
  }
  assert.ok(checked.length >= 12, `only ${checked.join(" ")} checked`);
});

/** Splits a README command line the way sh would (quotes, no expansion). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) {
    words.push(match[1] ?? match[2] ?? match[3]);
  }
  return words;
}

/** A terminal that keeps nothing, for commands that print. */
const silent = {
  stdout: () => {},
  stderr: () => {},
  live: false,
  columns: 80,
  utf8: false,
  readStdin: () => Promise.resolve(""),
};

/**
 * Parses a README command line as kali would: `merge`/`report` take their
 * own arguments, `k8s-job` must print its manifest; a `|` or `>` ends it.
 */
function accepted(line: string[]): boolean {
  const end = line.findIndex((word) => word === "|" || word === ">");
  const words = end < 0 ? line : line.slice(0, end);
  if (words[0] === "k8s-job") return k8sJobCommand(words.slice(1), silent) === 0;
  if (words[0] === "merge" || words[0] === "report") {
    return parseResultArgs(words.slice(1), "usage").inputs.length > 0;
  }
  return parseArgs(words[0] === "run" ? words.slice(1) : words).kind === "run";
}

Deno.test("every kali command in the README is accepted by the option parser", () => {
  const readme = Deno.readTextFileSync(new URL("../../README.md", import.meta.url));
  const commands = readme.split("\n").flatMap((line) => {
    const args = line.match(
      /^(?:.*\| )?(?:kali|\.\/scripts\/deno task kali|deno run .*(?:main\.ts|jsr:@kali\/cli)) (.*)$/,
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
      assert.ok(accepted(words), command);
    }
  } finally {
    Deno.chdir(cwd);
    Deno.removeSync(dir, { recursive: true });
  }
});
