import assert from "node:assert/strict";
import { helpCommand } from "../../src/commands/help.ts";
import type { Terminal } from "../../src/commands/terminal.ts";

function help(args: string[]): string {
  let out = "";
  const io: Terminal = {
    stdout: (text) => out += text,
    stderr: () => {},
    live: false,
    columns: 80,
    utf8: false,
    readStdin: () => Promise.resolve(""),
  };
  assert.equal(helpCommand(args, io), 0);
  return out;
}

Deno.test("kali help lists merge and report; kali help merge shows its usage", () => {
  const overview = help([]);
  assert.match(overview, /^ {2}merge +add up results of several runs/m);
  assert.match(overview, /^ {2}report +render a result file again/m);
  const merge = help(["merge"]);
  assert.match(
    merge,
    /^Usage: kali merge RESULT\.\.\. \[--json OUT\] \[--hdr-log OUT\] \[--html OUT\]/,
  );
  assert.match(merge, /--threshold <expr>/);
  assert.match(help(["report"]), /^Usage: kali report RESULT /);
  assert.match(help(["run"]), /--hdr-log <file>/);
});
