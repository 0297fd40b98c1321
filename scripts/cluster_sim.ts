/**
 * A cluster on one machine, for tests: one network namespace per shard and
 * one for the server, joined by veth pairs to a bridge in the server's
 * namespace, with addresses from 198.18.0.0/15 (the benchmarking range,
 * used only inside these namespaces). A kali sink listens in the server's
 * namespace; N kali shards run the same options with `--shard I/N`, one
 * common `--start-at` and `--json -`; `kali merge` adds their results up.
 * Everything is torn down at the end, also on failure, Ctrl+C or SIGTERM.
 *
 *   deno run -A scripts/cluster_sim.ts --shards 3 --out DIR -- -c 30 -r 100 -T 3 -m x
 *
 * The shards connect to the server (198.18.0.1); the run options must not
 * name a destination. Writes to DIR: shard-I.json and shard-I.stderr per
 * shard, server.stderr, merged.json (the merge's `--json -`) and
 * merge.stderr. Needs root (ip netns); exits 77 when namespaces cannot be
 * made, 1 when a step fails.
 *
 * @module
 */

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const SERVER_ADDRESS = "198.18.0.1";
const PREFIX = `kali-sim-${Deno.pid}`;
/** Exit code for "this machine cannot do that" (automake's skip). */
export const EXIT_UNSUPPORTED = 77;

/** What a simulation is asked to do. */
export interface SimOptions {
  shards: number;
  /** The sink's port on 198.18.0.1. */
  port: number;
  /** The common start, this long after the server is ready. */
  startInMs: number;
  /** Kill a shard still running this long after its start. */
  timeoutMs: number;
  /** Extra options for the sink (after `-l`). */
  serverArgs: string[];
  /** The options every shard runs (no destination). */
  runArgs: string[];
  /** Where the results go; null: a temporary directory, printed. */
  out: string | null;
}

/** One process's end: exit code and what it printed. */
interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

const decoder = new TextDecoder();

/** Runs a command to its end; throws with its stderr when it fails. */
async function sh(args: string[]): Promise<string> {
  const output = await new Deno.Command(args[0], { args: args.slice(1), stdin: "null" }).output();
  if (!output.success) {
    throw new Error(`${args.join(" ")}: ${decoder.decode(output.stderr).trim()}`);
  }
  return decoder.decode(output.stdout);
}

/** The address of shard `i` on the bridge: 198.18.0.2 upwards. */
export function shardAddress(i: number): string {
  const host = i + 2;
  return `198.18.${Math.floor(host / 256)}.${host % 256}`;
}

/** The network namespaces of one simulation, and their teardown. */
export class Cluster {
  readonly server = `${PREFIX}-srv`;
  readonly shards: string[];
  #made: string[] = [];
  /** Every process started inside the namespaces, until it is killed or ends. */
  readonly children = new Set<Deno.ChildProcess>();
  #teardown: Promise<void> | null = null;
  /** Set once the teardown began: nothing more is started. */
  get tornDown(): boolean {
    return this.#teardown !== null;
  }

  constructor(shards: number) {
    this.shards = Array.from({ length: shards }, (_, i) => `${PREFIX}-${i}`);
  }

  /** Makes the namespaces, the bridge and one veth pair per shard. */
  async create(): Promise<void> {
    await this.#add(this.server);
    const srv = ["ip", "-n", this.server];
    await sh([...srv, "link", "set", "lo", "up"]);
    await sh([...srv, "link", "add", "br0", "type", "bridge"]);
    await sh([...srv, "addr", "add", `${SERVER_ADDRESS}/15`, "dev", "br0"]);
    await sh([...srv, "link", "set", "br0", "up"]);
    for (const [i, ns] of this.shards.entries()) {
      await this.#add(ns);
      const peer = `s${i}`;
      // Both ends are made inside their namespaces: no name can clash outside.
      await sh([
        ...["ip", "link", "add", "eth0", "netns", ns, "type", "veth"],
        ...["peer", "name", peer, "netns", this.server],
      ]);
      await sh([...srv, "link", "set", peer, "master", "br0", "up"]);
      const inShard = ["ip", "-n", ns];
      await sh([...inShard, "addr", "add", `${shardAddress(i)}/15`, "dev", "eth0"]);
      await sh([...inShard, "link", "set", "eth0", "up"]);
      await sh([...inShard, "link", "set", "lo", "up"]);
    }
  }

  async #add(ns: string): Promise<void> {
    if (this.tornDown) throw new Error("torn down");
    await sh(["ip", "netns", "add", ns]);
    if (this.tornDown) {
      // A signal came while it was made: the teardown has already taken its list.
      await sh(["ip", "netns", "delete", ns]);
      throw new Error("torn down");
    }
    this.#made.push(ns);
  }

  /** `kali args` inside namespace `ns`, killed at the teardown if still running. */
  spawn(ns: string, args: string[], cwd: string): Deno.ChildProcess {
    if (this.tornDown) throw new Error("torn down");
    const child = kaliIn(ns, args, false, cwd);
    this.children.add(child);
    child.status.then(() => this.children.delete(child));
    return child;
  }

  /**
   * Kills what still runs, then deletes every namespace made (veths and
   * bridge go with them). Once: a signal and the normal end share it.
   */
  destroy(): Promise<void> {
    return this.#teardown ??= this.#destroy();
  }

  async #destroy(): Promise<void> {
    for (const child of this.children) {
      try {
        child.kill("SIGKILL");
      } catch { /* ended */ }
    }
    await Promise.all([...this.children].map((child) => child.status));
    for (const ns of this.#made.splice(0).reverse()) {
      try {
        await sh(["ip", "netns", "delete", ns]);
      } catch (error) {
        console.error(`cluster_sim: ${(error as Error).message}`);
      }
    }
  }
}

/**
 * Deletes namespaces left by simulations whose process is gone (a SIGKILL
 * gives no chance to tear down).
 */
async function sweepStale(): Promise<void> {
  const list = await sh(["ip", "netns", "list"]);
  for (const match of list.matchAll(/^(kali-sim-(\d+)-\S+)/gm)) {
    let alive = true;
    try {
      Deno.statSync(`/proc/${match[2]}`);
    } catch {
      alive = false;
    }
    if (!alive) await sh(["ip", "netns", "delete", match[1]]).catch(() => {});
  }
}

/** Whether this machine lets us make network namespaces; the reason when not. */
export async function namespacesUnsupported(): Promise<string | null> {
  const probe = `${PREFIX}-probe`;
  try {
    await sh(["ip", "netns", "add", probe]);
    await sh(["ip", "netns", "delete", probe]);
    return null;
  } catch (error) {
    return error instanceof Deno.errors.NotFound
      ? "ip (iproute2) is not installed"
      : (error as Error).message;
  }
}

/** `kali args` inside namespace `ns` (stdin closed unless `input` is given). */
function kaliIn(ns: string | null, args: string[], piped = false, cwd?: string): Deno.ChildProcess {
  const kali = [Deno.execPath(), "run", "-A", MAIN, ...args];
  const [command, ...rest] = ns === null ? kali : ["ip", "netns", "exec", ns, ...kali];
  return new Deno.Command(command, {
    args: rest,
    stdin: piped ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
    cwd,
  }).spawn();
}

/** Collects a child's output; kills it (SIGKILL) if it outlasts `ms`. */
async function finish(child: Deno.ChildProcess, ms: number): Promise<Finished> {
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, ms);
  const output = await child.output();
  clearTimeout(timer);
  return {
    code: output.signal ? 128 : output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** The sink's mode: kali's echo listener where this kali has one, else an active sender. */
async function sinkArgs(o: SimOptions): Promise<string[]> {
  const probe = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "--listen-mode", "echo", "--version"],
    stdout: "null",
    stderr: "null",
  }).output();
  // Echo: the shards' markers come back (round trip). Without it the sink sends
  // its own markers at 100/s per connection, and the shards time them one way.
  const mode = probe.success
    ? ["--listen-mode", "echo"]
    : ["--listen-mode", "active", "-m", "\\{message.marker}", "-r", "100"];
  return ["-l", `${SERVER_ADDRESS}:${o.port}`, ...mode, "-T", "1h", ...o.serverArgs];
}

/** Waits until the sink accepts connections inside its namespace. */
async function serverReady(cluster: Cluster, port: number, server: Promise<Finished>) {
  const ns = cluster.server;
  let exited: Finished | null = null;
  server.then((f) => exited = f);
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline && !cluster.tornDown) {
    if (exited) throw new Error(`the sink exited: ${(exited as Finished).stderr.trim()}`);
    const probe = await new Deno.Command("ip", {
      args: ["netns", "exec", ns, "bash", "-c", `exec 3<>/dev/tcp/${SERVER_ADDRESS}/${port}`],
      stdout: "null",
      stderr: "null",
    }).output();
    if (probe.success) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the sink did not listen on ${SERVER_ADDRESS}:${port} within 30 s`);
}

/** Feeds the shards' logs to `kali merge - --json -`, as `kubectl logs … | kali merge -` would. */
async function merge(input: string): Promise<Finished> {
  const child = kaliIn(null, ["merge", "-", "--json", "-"], true);
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  return await finish(child, 60000);
}

/** Runs the shards against the sink; writes what they printed to `out`. */
async function runShards(cluster: Cluster, o: SimOptions, out: string): Promise<Finished[]> {
  const server = cluster.spawn(cluster.server, await sinkArgs(o), out);
  const serverDone = finish(server, 24 * 3600 * 1000);
  try {
    await serverReady(cluster, o.port, serverDone);
    const startAt = Date.now() + o.startInMs;
    console.error(`cluster_sim: ${o.shards} shards start at ${new Date(startAt).toISOString()}`);
    const shards = cluster.shards.map((ns, i) =>
      cluster.spawn(ns, [
        ...o.runArgs,
        ...["--shard", `${i}/${o.shards}`, "--start-at", String(startAt), "--json", "-"],
        `${SERVER_ADDRESS}:${o.port}`,
      ], out)
    );
    const results = await Promise.all(shards.map((c) => finish(c, o.startInMs + o.timeoutMs)));
    results.forEach((r, i) => {
      Deno.writeTextFileSync(`${out}/shard-${i}.json`, r.stdout);
      Deno.writeTextFileSync(`${out}/shard-${i}.stderr`, r.stderr);
    });
    return results;
  } finally {
    // The sink ends as at Ctrl+C, printing its report after the dumps.
    const kill = (signal: Deno.Signal) => {
      try {
        server.kill(signal);
      } catch { /* ended */ }
    };
    kill("SIGINT");
    const stubborn = setTimeout(() => kill("SIGKILL"), 10000);
    Deno.writeTextFileSync(`${out}/server.stderr`, (await serverDone).stderr);
    clearTimeout(stubborn);
  }
}

/** Runs one simulation; resolves to the exit code. */
export async function simulate(o: SimOptions): Promise<number> {
  const cluster = new Cluster(o.shards);
  const out = o.out ?? Deno.makeTempDirSync({ prefix: "kali-cluster-" });
  Deno.mkdirSync(out, { recursive: true });
  let signalled: number | null = null;
  const onSignal = (signal: Deno.Signal) => () => {
    console.error(`cluster_sim: ${signal}: tearing down`);
    signalled ??= signal === "SIGINT" ? 130 : 143;
    cluster.destroy(); // the run below sees its processes die and ends with `signalled`
  };
  const handlers = (["SIGINT", "SIGTERM"] as const).map((s) => [s, onSignal(s)] as const);
  for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
  try {
    await sweepStale();
    await cluster.create();
    const results = await runShards(cluster, o, out);
    if (signalled !== null) return signalled;
    const failed = results.findIndex((r) => r.code !== 0);
    if (failed >= 0) {
      console.error(`cluster_sim: shard ${failed} exited ${results[failed].code}: see ${out}`);
      return 1;
    }
    // As `kubectl logs -l job-name=…` gives them: each pod's stderr and stdout, one pod after another.
    const merged = await merge(results.map((r) => r.stderr + r.stdout).join(""));
    Deno.writeTextFileSync(`${out}/merged.json`, merged.stdout);
    Deno.writeTextFileSync(`${out}/merge.stderr`, merged.stderr);
    console.error(`cluster_sim: results in ${out}`);
    return merged.code;
  } catch (error) {
    if (signalled === null) console.error(`cluster_sim: ${(error as Error).message}`);
    return signalled ?? 1;
  } finally {
    await cluster.destroy();
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  }
}

/** The command line: `[--shards N] [--port P] [--start-in S] [--timeout S] [--out DIR] -- RUN-OPTIONS`. */
export function parseSimArgs(args: string[]): SimOptions {
  const o: SimOptions = {
    shards: 3,
    port: 9000,
    startInMs: 10000,
    timeoutMs: 120000,
    serverArgs: [],
    runArgs: [],
    out: null,
  };
  const dash = args.indexOf("--");
  const own = dash < 0 ? args : args.slice(0, dash);
  o.runArgs = dash < 0 ? [] : args.slice(dash + 1);
  for (let i = 0; i < own.length; i += 2) {
    const value = own[i + 1];
    if (value === undefined) throw new Error(`${own[i]} needs a value`);
    if (own[i] === "--shards") o.shards = Number(value);
    else if (own[i] === "--port") o.port = Number(value);
    else if (own[i] === "--start-in") o.startInMs = Number(value) * 1000;
    else if (own[i] === "--timeout") o.timeoutMs = Number(value) * 1000;
    else if (own[i] === "--out") o.out = value;
    else if (own[i] === "--server-arg") o.serverArgs.push(value);
    else throw new Error(`unknown option ${own[i]}`);
  }
  if (!(Number.isInteger(o.shards) && o.shards >= 1 && o.shards <= 250)) {
    throw new Error("--shards must be in [1..250]");
  }
  return o;
}

if (import.meta.main) {
  let options: SimOptions;
  try {
    options = parseSimArgs(Deno.args);
  } catch (error) {
    console.error(`cluster_sim: ${(error as Error).message}`);
    Deno.exit(64);
  }
  const unsupported = await namespacesUnsupported();
  if (unsupported) {
    console.error(`cluster_sim: cannot make network namespaces (needs root): ${unsupported}`);
    Deno.exit(EXIT_UNSUPPORTED);
  }
  Deno.exit(await simulate(options));
}
