/**
 * `--help` and `-h` print tcpkali's screens byte for byte. The fixtures were
 * captured from kali's output before the option table existed, so any drift
 * in the table's help rows or their layout shows here.
 */
import assert from "node:assert/strict";
import { longHelp, shortHelp } from "../../src/cli/help.ts";

const fixture = (name: string) =>
  Deno.readTextFileSync(new URL(`./fixtures/${name}`, import.meta.url));

Deno.test("the long help is tcpkali's screen, byte for byte", () => {
  assert.equal(longHelp("kali", 2), fixture("long_help.txt"));
});

Deno.test("the program name appears only in the long help's usage line", () => {
  const expected = fixture("long_help.txt").replace("Usage: kali ", "Usage: /opt/tcpkali ");
  assert.equal(longHelp("/opt/tcpkali", 2), expected);
});

Deno.test("the -w line shows the CPU count with tcpkali's spacing", () => {
  const workersLine = (cpus: number) =>
    longHelp("kali", cpus).split("\n").find((line) => line.includes("--workers"));
  assert.deepEqual([1, 9, 10, 99, 100, 1000].map(workersLine), [
    "  -w, --workers <N=1>       Number of parallel threads to use",
    "  -w, --workers <N=9>       Number of parallel threads to use",
    "  -w, --workers <N=10>      Number of parallel threads to use",
    "  -w, --workers <N=99>      Number of parallel threads to use",
    "  -w, --workers <N=100>      Number of parallel threads to use",
    "  -w, --workers <N=1000>      Number of parallel threads to use",
  ]);
  // Only that line depends on the CPU count.
  const others = (cpus: number) =>
    longHelp("kali", cpus).split("\n").filter((line) => !line.includes("--workers"));
  assert.deepEqual(others(128), others(2));
});

Deno.test("the short help is tcpkali's screen, byte for byte", () => {
  assert.equal(shortHelp("kali"), fixture("short_help.txt"));
  assert.equal(shortHelp("k2"), fixture("short_help.txt").replaceAll("kali", "k2"));
});
