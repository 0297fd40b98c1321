/**
 * Soak test (not in CI): kali holds paced connections for a long time,
 * client and listener in one process, while this script samples the
 * process's resident memory and open descriptors; after a warm-up, growth
 * fails the soak. Prints the series as a Markdown table.
 *
 * ```
 * deno run -A scripts/soak.ts --duration 30m [--connections 4000] [--rate 1]
 *   [--ws] [--warmup 2m] [--interval 10s] [--max-growth 10] [--out series.json]
 *   [--kali path/to/main.ts]
 * ```
 *
 * Exit 0 when memory and descriptors stayed flat and kali ended cleanly,
 * 1 otherwise, 64 on a bad option.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { drain, freePort } from "./bench_proc.ts";

/** One sample of the kali process. */
export interface SoakSample {
  /** Seconds since kali was started. */
  t: number;
  /** Resident set size, bytes. */
  rss: number;
  /** Open file descriptors. */
  fds: number;
}

/** What counts as growth. */
export interface GrowthLimits {
  /** Samples before this many seconds are the warm-up and not judged. */
  warmupSeconds: number;
  /** Allowed memory growth, percent of the early level. */
  maxGrowthPercent: number;
  /** Memory growth below this many bytes is never a failure (allocator noise). */
  slackBytes: number;
  /** Allowed growth in open descriptors. */
  maxFdGrowth: number;
}

/** The soak's verdict on a series. */
export interface GrowthVerdict {
  ok: boolean;
  lines: string[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const MIB = 1024 * 1024;

/**
 * Judges a series: after the warm-up, the median of the last third of the
 * samples against the median of the first third (medians ride out the
 * garbage collector's sawtooth), for memory and for descriptors.
 */
export function judgeGrowth(samples: SoakSample[], limits: GrowthLimits): GrowthVerdict {
  const judged = samples.filter((s) => s.t >= limits.warmupSeconds);
  if (judged.length < 3) {
    return { ok: false, lines: [`only ${judged.length} samples after the warm-up; run longer`] };
  }
  const third = Math.max(1, Math.floor(judged.length / 3));
  const early = judged.slice(0, third);
  const late = judged.slice(-third);
  const rssEarly = median(early.map((s) => s.rss));
  const rssLate = median(late.map((s) => s.rss));
  const rssGrowth = rssLate - rssEarly;
  const rssOk = rssGrowth <= limits.slackBytes ||
    rssGrowth <= (rssEarly * limits.maxGrowthPercent) / 100;
  const fdGrowth = median(late.map((s) => s.fds)) - median(early.map((s) => s.fds));
  const fdOk = fdGrowth <= limits.maxFdGrowth;
  const percent = ((rssGrowth / rssEarly) * 100).toFixed(1);
  return {
    ok: rssOk && fdOk,
    lines: [
      `memory: ${(rssEarly / MIB).toFixed(1)} MiB -> ${(rssLate / MIB).toFixed(1)} MiB ` +
      `(${rssGrowth >= 0 ? "+" : ""}${percent}%, limit ${limits.maxGrowthPercent}%): ` +
      (rssOk ? "flat" : "GROWS"),
      `descriptors: ${fdGrowth >= 0 ? "+" : ""}${fdGrowth} (limit +${limits.maxFdGrowth}): ` +
      (fdOk ? "flat" : "GROW"),
    ],
  };
}

/** Seconds in `90`, `90s`, `2m`, `1h`. */
export function parseSeconds(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`bad duration ${JSON.stringify(text)} (e.g. 90s, 30m, 1h)`);
  return Number(match[1]) * ({ s: 1, m: 60, h: 3600 }[match[2] ?? "s"] ?? 1);
}

/** One sample of process `pid` from /proc, or null once it is gone. */
async function sample(pid: number, t: number): Promise<SoakSample | null> {
  try {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const rss = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? NaN) * 1024;
    let fds = 0;
    for await (const _ of Deno.readDir(`/proc/${pid}/fd`)) fds++;
    return { t, rss, fds };
  } catch {
    return null;
  }
}

/** A Markdown table of the series. */
export function seriesTable(samples: SoakSample[], warmupSeconds: number): string {
  const rows = samples.map((s) =>
    `| ${s.t.toFixed(0).padStart(5)} | ${(s.rss / MIB).toFixed(1).padStart(7)} | ${
      String(s.fds).padStart(5)
    } |${s.t < warmupSeconds ? " warm-up" : ""}`
  );
  return ["|   t s | RSS MiB |   fds |", "| ----: | ------: | ----: |", ...rows].join("\n");
}

const MESSAGE = "soak message of kali, sixty-four bytes long, paced per conn.\\n";

/** kali's arguments: paced connections in a self-loop for `seconds`. */
function kaliArgs(
  main: string,
  o: { connections: number; rate: string; ws: boolean },
  seconds: number,
) {
  const port = freePort();
  return [
    "run",
    "-A",
    main,
    ...(o.ws ? ["--ws"] : []),
    "-e",
    "-c",
    String(o.connections),
    "--connect-rate",
    "2000",
    "-m",
    MESSAGE,
    "-r",
    o.rate,
    "-l",
    String(port),
    `127.0.0.1:${port}`,
    "-T",
    `${seconds}s`,
  ];
}

/** Samples `child` every `intervalSeconds` until it exits. */
async function sampleUntilExit(
  child: Deno.ChildProcess,
  started: number,
  intervalSeconds: number,
): Promise<SoakSample[]> {
  const samples: SoakSample[] = [];
  let exited = false;
  const status = child.status.then(() => exited = true);
  for (let next = intervalSeconds; !exited; next += intervalSeconds) {
    const wait = started + next * 1000 - performance.now();
    await Promise.race([status, new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)))]);
    if (exited) break;
    const s = await sample(child.pid, (performance.now() - started) / 1000);
    if (s === null) break;
    samples.push(s);
    console.error(`soak: t=${s.t.toFixed(0)} s rss=${(s.rss / MIB).toFixed(1)} MiB fds=${s.fds}`);
  }
  return samples;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: "string", default: "30m" },
      connections: { type: "string", default: "4000" },
      rate: { type: "string", default: "1" },
      ws: { type: "boolean", default: false },
      warmup: { type: "string", default: "2m" },
      interval: { type: "string", default: "10s" },
      "max-growth": { type: "string", default: "10" },
      out: { type: "string" },
      kali: { type: "string", default: new URL("../main.ts", import.meta.url).pathname },
    },
  });
  const warmupSeconds = parseSeconds(values.warmup!);
  const connections = Number(values.connections);
  const args = kaliArgs(values.kali!, {
    connections,
    rate: values.rate!,
    ws: values.ws!,
  }, parseSeconds(values.duration!));
  console.error(`soak: kali ${args.slice(3).join(" ")}`);
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), { args, stdout: "piped", stderr: "piped" })
    .spawn();
  let stdout = "";
  let stderr = "";
  const output = Promise.all([
    drain(child.stdout, (text) => stdout += text),
    drain(child.stderr, (text) => {
      stderr += text;
      Deno.stderr.writeSync(new TextEncoder().encode(text));
    }),
  ]);
  const samples = await sampleUntilExit(child, started, parseSeconds(values.interval!));
  const { code } = await child.status;
  await output;
  const verdict = judgeGrowth(samples, {
    warmupSeconds,
    maxGrowthPercent: Number(values["max-growth"]),
    slackBytes: 8 * MIB,
    maxFdGrowth: Math.max(10, Math.ceil(connections / 100)),
  });
  const ramped = /^Ramped up to (\d+) connections\.$/m.test(stderr);
  console.log(`${seriesTable(samples, warmupSeconds)}\n\n${stdout.trimEnd()}\n`);
  for (const line of verdict.lines) console.log(`soak: ${line}`);
  console.log(`soak: kali exited ${code}${ramped ? "" : ", never ramped up"}`);
  if (values.out) {
    const record = { args: args.slice(3), samples, verdict, exitCode: code };
    await Deno.writeTextFile(values.out, JSON.stringify(record, null, 2) + "\n");
  }
  const ok = verdict.ok && code === 0 && ramped;
  console.log(`soak: ${ok ? "PASS" : "FAIL"}`);
  return ok ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
