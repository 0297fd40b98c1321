/**
 * Builds kali's single executables: one `deno compile` per target, into
 * `dist/kali-<target>[.exe]`. `deno task compile` runs it; pass target
 * triples as arguments to build only those.
 *
 * `deno compile` downloads a `denort` runtime per target from Deno's own
 * server, so it needs internet access (the release workflow has it).
 *
 * Permissions are fixed at compile time and cannot depend on the command
 * line the executable is later given, so they are the union of what kali's
 * features can need: network (targets are only known at run time), file
 * reads (`-f`, `--first-message-file`, `\{<file>}`), file writes (`--json`,
 * `--hdr-log`, `--html`), the interface list (source-address detection), the
 * host name (results name their host) and LANG (the live line's characters). `--no-prompt` makes anything else fail with kali's one-line
 * hint instead of asking. For a run confined to exactly its targets and
 * files, use `deno run` with scoped flags (README, "Running on shared
 * hosts").
 *
 * @module
 */

/** The targets `deno compile --target` builds for. */
export const TARGETS: readonly string[] = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
];

/**
 * V8, permission and prompt flags baked into every executable: the `kali`
 * task's own (a test keeps them equal). A 1 MiB semi-space keeps the young
 * generation from growing by tens of MiB while thousands of connections
 * open and close (bench S4, S4c), at the same CPU (S3, S1). A heap growing
 * factor of 1.25 collects the old generation before the garbage of
 * thousands of concurrent connects piles up in it (S4c), at no more CPU.
 */
export const BAKED_FLAGS: readonly string[] = [
  "--v8-flags=--max-semi-space-size=1,--heap-growing-percent=25",
  "--no-prompt",
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-sys=networkInterfaces,hostname",
  "--allow-env=LANG",
];

/** The `deno compile` arguments for one target. */
export function compileArgs(target: string): string[] {
  const exe = target.includes("windows") ? ".exe" : "";
  return [
    "compile",
    ...BAKED_FLAGS,
    // Workers are not followed by deno compile: the worker entry must be included.
    "--include",
    "workers/engine_worker.ts",
    "--target",
    target,
    "--output",
    `dist/kali-${target}${exe}`,
    "main.ts",
  ];
}

async function main(targets: string[]): Promise<number> {
  const unknown = targets.filter((t) => !TARGETS.includes(t));
  if (unknown.length > 0) {
    console.error(`compile: unknown target ${unknown.join(", ")}; known: ${TARGETS.join(", ")}`);
    return 64;
  }
  const root = new URL("../", import.meta.url);
  for (const target of targets.length > 0 ? targets : TARGETS) {
    console.error(`compile: ${target}`);
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: compileArgs(target),
      cwd: root,
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (code !== 0) {
      console.error(`compile: ${target} failed (deno compile exited ${code})`);
      return code;
    }
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
