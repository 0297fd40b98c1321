/**
 * The command tree: a first word that names no subcommand starts tcpkali's
 * command line, whatever properties a JavaScript object happens to have.
 */
import assert from "node:assert/strict";
import { main } from "../main.ts";
import { versionText } from "../src/cli/help.ts";

async function kali(...args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = "";
  const io = {
    stdout: (t: string) => stdout += t,
    stderr: () => {},
    live: false,
    columns: 80,
    utf8: false,
    readStdin: () => Promise.resolve(""),
  };
  return { code: await main(args, io), stdout };
}

Deno.test("a subcommand name is looked up among the commands only", async () => {
  for (const word of ["toString", "constructor", "__proto__"]) {
    assert.deepEqual(await kali(word, "--version"), { code: 0, stdout: versionText() + "\n" });
  }
});

Deno.test("`run` and no command are the same command line", async () => {
  assert.deepEqual(await kali("run", "--version"), await kali("--version"));
});
