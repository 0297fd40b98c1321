import assert from "node:assert/strict";
import { BAKED_FLAGS } from "../../scripts/compile.ts";
import { kaliTaskV8Flags } from "../../scripts/bench_run.ts";

const config = JSON.parse(Deno.readTextFileSync(new URL("../../deno.json", import.meta.url)));

/** The flags the `kali` task gives `deno run` before main.ts. */
function taskFlags(): string[] {
  const words = String(config.tasks.kali).split(/\s+/);
  assert.deepEqual(words.slice(0, 2), ["deno", "run"]);
  return words.slice(2, words.indexOf("main.ts"));
}

Deno.test("the executables bake in exactly the kali task's V8 and permission flags", () => {
  assert.deepEqual([...BAKED_FLAGS].sort(), taskFlags().sort());
});

Deno.test("the bench measures kali with the kali task's V8 flags by default", () => {
  const given = taskFlags().find((f) => f.startsWith("--v8-flags="));
  assert.equal(kaliTaskV8Flags(), given?.slice("--v8-flags=".length) ?? "");
});
