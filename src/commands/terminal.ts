/**
 * Where commands write: stdout, stderr, and what the terminal allows.
 *
 * @module
 */

/** The process's output streams and terminal facts. */
export interface Terminal {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether to draw the live display (stdout is a terminal). */
  live: boolean;
  columns: number;
  /** Whether the live line may use UTF-8 (the locale says so). */
  utf8: boolean;
  /** All of standard input, as text (`kali merge -`). */
  readStdin(): Promise<string>;
}

const encoder = new TextEncoder();

function writeAll(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = encoder.encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
}

function utf8Locale(): boolean {
  const granted = Deno.permissions.querySync({ name: "env", variable: "LANG" }).state === "granted";
  return granted && /utf-?8/i.test(Deno.env.get("LANG") ?? "");
}

/** The terminal's width; 80 when it reports none (a pty without a size, e.g. under `script`). */
function terminalColumns(): number {
  try {
    return Deno.consoleSize().columns || 80;
  } catch {
    return 80;
  }
}

/** This process's terminal. */
export function processTerminal(): Terminal {
  const live = Deno.stdout.isTerminal();
  return {
    stdout: (text) => writeAll(Deno.stdout, text),
    stderr: (text) => writeAll(Deno.stderr, text),
    live,
    columns: live ? terminalColumns() : 80,
    utf8: live && utf8Locale(),
    readStdin: () => new Response(Deno.stdin.readable).text(),
  };
}
