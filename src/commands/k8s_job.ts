/**
 * `kali k8s-job --shards N [OPTIONS] -- RUN-OPTIONS...`: prints a Kubernetes
 * Job manifest that runs `kali RUN-OPTIONS` in N pods, each its share of the
 * load (`--shard`), all starting at one instant (`--start-at`), each
 * printing its result as JSON to its log for `kali merge`.
 *
 * @module
 */
import { parseArgs } from "../cli/options.ts";
import { splitOperand } from "../cli/resolve.ts";
import { parseUnitValue } from "../cli/units.ts";
import { EXIT, UsageError } from "../errors.ts";
import { DEFAULT_IMAGE, jobManifest, type JobOptions } from "../kube/job_manifest.ts";
import { toYaml } from "../kube/yaml.ts";
import { MAX_SHARDS } from "../shared/shard.ts";
import type { Terminal } from "./terminal.ts";

/** `kali help k8s-job`. */
export const K8S_JOB_USAGE =
  `Usage: kali k8s-job --shards <N> [OPTIONS] -- <RUN-OPTIONS> <host:port>...
Prints a Kubernetes Job (batch/v1, completionMode Indexed) that runs
\`kali <RUN-OPTIONS>\` in N pods: each runs its share of -c and --connect-rate
(--shard), all start at one instant (--start-at), each prints its result as
JSON to its log (--json -). Apply it, wait, then merge the logs:
  kali k8s-job --shards 4 -- -c 40k -r 10 -m hi 10.0.0.5:8080 | kubectl apply -f -
  kubectl wait --for=condition=complete job/kali --timeout=10m
  kubectl logs -l job-name=kali --tail=-1 | kali merge -
Where OPTIONS are:
  --shards <N>           Pods to split the test over, 1..${MAX_SHARDS} (required)
  --name <name>          The Job's name (default: kali)
  --image <image>        Container image (default: ${DEFAULT_IMAGE})
  --start-in <Time=60s>  Start this long after now: time to apply, schedule, pull
  --cpu <quantity>       CPU request per pod (default: 1)
  --memory <quantity>    Memory request per pod (default: 512Mi)
`;

/** A Kubernetes resource quantity (`500m`, `2`, `1.5Gi`, `1e3`). */
const QUANTITY = /^[+]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;
/** An RFC 1123 label: the Job's name becomes a label value and part of pod names. */
const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The k8s-job options; the start is a delay until it is fixed at printing. */
interface JobRequest extends Omit<JobOptions, "startAtMs"> {
  startInMs: number;
}

function shardsValue(v: string): number {
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!(n >= 1 && n <= MAX_SHARDS)) {
    throw new UsageError(`k8s-job: --shards=${v}: expected a whole number in [1..${MAX_SHARDS}]`);
  }
  return n;
}

function checked(option: string, v: string, pattern: RegExp, what: string): string {
  if (!pattern.test(v)) throw new UsageError(`k8s-job: ${option}=${v}: expected ${what}`);
  return v;
}

const SETTERS: Record<string, (request: JobRequest, v: string) => void> = {
  "--shards": (r, v) => r.shards = shardsValue(v),
  "--name": (r, v) => r.name = checked("--name", v, LABEL, "a lowercase RFC 1123 label"),
  "--image": (r, v) => r.image = checked("--image", v, /^\S+$/, "an image reference"),
  "--cpu": (r, v) => r.cpu = checked("--cpu", v, QUANTITY, "a Kubernetes quantity (500m, 2)"),
  "--memory": (r, v) =>
    r.memory = checked("--memory", v, QUANTITY, "a Kubernetes quantity (512Mi, 2Gi)"),
  "--start-in": (r, v) => {
    const parsed = parseUnitValue(v, "time");
    if (!parsed.ok || !(parsed.value >= 0) || !Number.isFinite(parsed.value)) {
      throw new UsageError(`k8s-job: --start-in=${v}: expected a time (60s, 2m)`);
    }
    r.startInMs = parsed.value * 1000;
  },
};

/** The k8s-job's own options (before `--`); null for `--help`. */
function parseOwnOptions(own: string[]): JobRequest | null {
  const request: JobRequest = {
    name: "kali",
    shards: 0,
    image: DEFAULT_IMAGE,
    cpu: "1",
    memory: "512Mi",
    runArgs: [],
    startInMs: 60000,
  };
  for (let i = 0; i < own.length; i++) {
    if (own[i] === "-h" || own[i] === "--help") return null;
    const [name, inline] = own[i].split(/=(.*)/s, 2);
    const set = SETTERS[name];
    if (!set) throw new UsageError(`k8s-job: unknown option ${own[i]} (see kali help k8s-job)`);
    const value = inline ?? own[++i];
    if (value === undefined) throw new UsageError(`k8s-job: ${name} needs a value`);
    set(request, value);
  }
  if (request.shards === 0) throw new UsageError("k8s-job: --shards <N> is required");
  return request;
}

/** The options the manifest adds to every pod's run. */
const SET_BY_MANIFEST = ["--shard", "--start-at", "--json"] as const;

/**
 * The run options must make a finite client run that the manifest can
 * extend: the manifest sets --shard, --start-at and --json itself, and
 * Kubernetes args are text. Returns warnings for what runs but is likely
 * a mistake: a loopback destination, a file the pods must have too.
 */
function checkRunOptions(runArgs: string[]): string[] {
  if (runArgs.some((arg) => arg.includes("\uFFFD"))) {
    throw new UsageError(
      "k8s-job: Kubernetes args are UTF-8 text; write other bytes as \\xHH with -e",
    );
  }
  const parsed = parseArgs(runArgs);
  if (parsed.kind === "exit") throw new UsageError("k8s-job: RUN-OPTIONS must make a run");
  const o = parsed.options;
  const given = { "--shard": o.shard, "--start-at": o.startAtMs, "--json": o.jsonFile };
  for (const option of SET_BY_MANIFEST) {
    if (given[option] !== null) {
      throw new UsageError(
        `k8s-job: ${option} is set by the manifest; leave it out of RUN-OPTIONS`,
      );
    }
  }
  if (o.destinations.length === 0) {
    throw new UsageError("k8s-job: RUN-OPTIONS name no destination (host:port after --)");
  }
  if (o.duration === null) {
    throw new UsageError("k8s-job: -T -1 never ends, so the Job would never complete");
  }
  const loopback = o.destinations
    .filter((d) => /^(127\.|localhost$|::1$)/.test(splitOperand(d).host))
    .map((d) => `WARNING: ${d} is each pod itself, not a server in the cluster`);
  // A content file's origin is its name; options' origins are the option (`--message`).
  const files = o.content.filter((c) => !c.origin.startsWith("-"))
    .map((c) => `WARNING: ${c.origin} is read in each pod: the image must hold it (or mount it)`);
  return [...loopback, ...files];
}

/** Prints the Job manifest; resolves to the exit code. */
export function k8sJobCommand(args: string[], io: Terminal): number {
  const dash = args.indexOf("--");
  const request = parseOwnOptions(dash < 0 ? args : args.slice(0, dash));
  if (request === null) {
    io.stdout(K8S_JOB_USAGE);
    return EXIT.ok;
  }
  const runArgs = dash < 0 ? [] : args.slice(dash + 1);
  if (runArgs.length === 0) {
    throw new UsageError("k8s-job: give the run's options after --: kali k8s-job --shards N -- …");
  }
  for (const warning of checkRunOptions(runArgs)) io.stderr(warning + "\n");
  const { startInMs, ...options } = request;
  const startAtMs = Math.ceil((Date.now() + startInMs) / 1000) * 1000;
  const manifest = jobManifest({ ...options, runArgs, startAtMs });
  const at = new Date(startAtMs).toISOString();
  io.stderr(`k8s-job: ${options.shards} shards start at ${at}: apply the Job before then\n`);
  io.stdout(`# kali k8s-job: ${options.shards} shards starting at ${at}\n${toYaml(manifest)}`);
  return EXIT.ok;
}
