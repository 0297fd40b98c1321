/**
 * The layering rule, read from the imports: data flows argv -> plan -> run
 * -> result -> report, and imports point down that flow. Also the size
 * rule: no function in src/ over 80 lines.
 */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = normalize(join(dirname(fileURLToPath(import.meta.url)), ".."));
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|new URL\(\s*)"(\.{1,2}\/[^"]+)"/g;

/** Every .ts file under `dir`, relative to the repository root. */
function sources(dir: string): string[] {
  const files: string[] = [];
  for (const entry of Deno.readDirSync(join(ROOT, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) files.push(...sources(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

/** The room of a file: `src/engine`, `src/plan.ts`, `main.ts`, `workers`. */
function room(path: string): string {
  const parts = path.split("/");
  if (parts[0] !== "src") return parts.length > 1 ? parts[0] : path;
  return parts.length > 2 ? `src/${parts[1]}` : path;
}

/** Every relative import of `file`, as repository paths. */
function importsOf(file: string): string[] {
  const text = Deno.readTextFileSync(join(ROOT, file));
  return [...text.matchAll(SPECIFIER)].map((m) =>
    relative(ROOT, normalize(join(ROOT, dirname(file), m[1])))
  );
}

const FILES = [...sources("src"), "main.ts", ...sources("workers")];
const EDGES = FILES.flatMap((file) => importsOf(file).map((target) => ({ file, target })));

function violations(from: (room: string) => boolean, to: (room: string) => boolean): string[] {
  return EDGES.filter((e) => from(room(e.file)) && to(room(e.target)))
    .map((e) => `${e.file} -> ${e.target}`);
}

const among = (...rooms: string[]) => (r: string) => rooms.includes(r);

Deno.test("the reader sees imports (the rule checks something)", () => {
  assert.ok(EDGES.length > 100, `only ${EDGES.length} imports found`);
  assert.ok(EDGES.some((e) => e.file === "main.ts" && room(e.target) === "src/commands"));
});

Deno.test("main.ts names every command's module by a static string (deno compile bundles those)", () => {
  const COMMAND = /export (?:async )?function \w+Command\(/;
  const commands = sources("src/commands").filter((file) =>
    COMMAND.test(Deno.readTextFileSync(join(ROOT, file)))
  );
  const named = importsOf("main.ts");
  assert.ok(commands.length >= 5, `only ${commands.length} commands found`);
  assert.deepEqual(commands.filter((file) => !named.includes(file)), []);
});

Deno.test("leaves and the engine import no upper layer", () => {
  const leaves = among(
    "src/content",
    "src/transport",
    "src/stats",
    "src/engine",
    "src/shared",
    "src/kube",
  );
  const upper = among("src/cli", "src/run", "src/report", "src/commands");
  assert.deepEqual(violations(leaves, upper), []);
});

Deno.test("the command line imports nothing of the run or its reports", () => {
  const upper = among("src/engine", "src/run", "src/report", "src/commands");
  assert.deepEqual(violations(among("src/cli"), upper), []);
});

Deno.test("only main.ts and src/commands import src/report", () => {
  const others = (r: string) => !["main.ts", "src/commands", "src/report"].includes(r);
  assert.deepEqual(violations(others, among("src/report")), []);
});

Deno.test("the run imports no command", () => {
  assert.deepEqual(violations(among("src/run"), among("src/commands", "main.ts")), []);
});

Deno.test("shared facts are leaves: plan, errors and shared import no layer above them", () => {
  const facts = among("src/plan.ts", "src/errors.ts", "src/shared");
  const layers = among("src/cli", "src/run", "src/report", "src/commands", "src/engine");
  assert.deepEqual(violations(facts, layers), []);
  assert.deepEqual(violations(among("src/shared", "src/errors.ts"), (r) => r !== "src/shared"), []);
});

Deno.test("no import cycles between folders", () => {
  const graph = new Map<string, Set<string>>();
  for (const { file, target } of EDGES) {
    const [a, b] = [room(file), room(target)];
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  const cycles: string[] = [];
  const state = new Map<string, "open" | "done">();
  const visit = (node: string, path: string[]) => {
    if (state.get(node) === "done") return;
    if (state.get(node) === "open") {
      cycles.push([...path.slice(path.indexOf(node)), node].join(" -> "));
      return;
    }
    state.set(node, "open");
    for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
    state.set(node, "done");
  };
  for (const node of graph.keys()) visit(node, []);
  assert.deepEqual(cycles, []);
});

/** Function heads as `deno fmt` lays them out: declarations, methods, accessors. */
const FUNCTION_HEAD =
  /^(\s*)(?:export\s+)?(?:async\s+)?(?:function\*?\s+[\w$]+|(?:static\s+|async\s+|get\s+|set\s+|\*)*#?[\w$]+)\s*(?:<[^>]*>)?\(/;
const KEYWORDS = new Set(["if", "for", "while", "switch", "catch", "return", "await", "new"]);

/** Functions longer than `limit` lines in one file, as `file:line name (n lines)`. */
function longFunctions(file: string, limit: number): string[] {
  const lines = Deno.readTextFileSync(join(ROOT, file)).split("\n");
  const found: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const head = FUNCTION_HEAD.exec(lines[i]);
    if (!head) continue;
    const name = lines[i].trim().split(/[\s(<]/).find((w) =>
      w && !/^(export|async|function|static|get|set)$/.test(w)
    );
    if (!name || KEYWORDS.has(name)) continue;
    // A signature without a body (an interface member, an overload) ends in `;`.
    let open = i;
    while (open < lines.length && !/[{;]\s*$/.test(lines[open])) open++;
    if (open === lines.length || lines[open].trimEnd().endsWith(";")) continue;
    // The body ends at the first closing brace at the head's indentation.
    const indent = head[1];
    let end = i;
    while (end < lines.length && !(end > i && lines[end].startsWith(`${indent}}`))) end++;
    if (end === lines.length) continue;
    const length = end - i + 1;
    if (length > limit) found.push(`${file}:${i + 1} ${name} (${length} lines)`);
  }
  return found;
}

Deno.test("the length reader sees a long function (the rule checks something)", () => {
  const probe = join(ROOT, "tests", ".architecture_probe.ts");
  const body = Array.from({ length: 90 }, (_, n) => `  const x${n} = ${n};`).join("\n");
  Deno.writeTextFileSync(probe, `export function probe(): void {\n${body}\n}\n`);
  try {
    assert.equal(longFunctions("tests/.architecture_probe.ts", 80).length, 1);
  } finally {
    Deno.removeSync(probe);
  }
});

Deno.test("no function in src/ over 80 lines", () => {
  assert.deepEqual(sources("src").flatMap((file) => longFunctions(file, 80)), []);
});

/** `import … from "x"`, `export … from "x"` and `import "x"` at the start of a line. */
const STATIC_IMPORT = /^(?:import|export)\s+(?:([^"';]*?)\s+from\s+)?"([^"]+)"/gm;

/** Whether an import clause brings in types only (erased: nothing is loaded). */
function typeOnly(clause: string | undefined): boolean {
  if (clause === undefined) return false;
  if (/^type\s/.test(clause)) return true;
  const named = /^\{([^}]*)\}$/.exec(clause.trim());
  if (!named) return false;
  const names = named[1].split(",").map((n) => n.trim()).filter((n) => n !== "");
  return names.length > 0 && names.every((n) => n.startsWith("type "));
}

/**
 * What evaluating `roots` loads before any dynamic `import()`: the files of
 * its static import graph and the bare specifiers (`node:…`, `npm:…`) they name.
 */
function staticGraph(roots: string[]): { files: Set<string>; bare: string[] } {
  const files = new Set<string>();
  const bare: string[] = [];
  const pending = [...roots];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const text = Deno.readTextFileSync(join(ROOT, file));
    for (const [, clause, specifier] of text.matchAll(STATIC_IMPORT)) {
      if (typeOnly(clause)) continue;
      if (!specifier.startsWith(".")) bare.push(`${file}: ${specifier}`);
      else pending.push(relative(ROOT, normalize(join(ROOT, dirname(file), specifier))));
    }
  }
  return { files, bare };
}

Deno.test("the static import reader sees Node modules and skips type-only imports", () => {
  const tls = staticGraph(["src/transport/tls.ts"]);
  assert.ok(tls.bare.includes("src/transport/tls.ts: node:tls"), tls.bare.join(", "));
  assert.ok(tls.bare.includes("src/transport/bound_socket.ts: node:net"), tls.bare.join(", "));
  assert.deepEqual([...staticGraph(["src/plan.ts"]).files], ["src/plan.ts"]);
});

Deno.test("a run loads no node: module unless a feature asks for it (--ssl, --ws, names, StatsD)", () => {
  // main.ts, the default command it imports, and the engine worker's script.
  const run = staticGraph(["main.ts", "src/commands/run.ts", "workers/engine_worker.ts"]);
  assert.ok(run.files.has("src/engine/engine.ts") && run.files.has("src/cli/resolve.ts"));
  assert.deepEqual(run.bare.filter((line) => line.includes(": node:")), []);
});
