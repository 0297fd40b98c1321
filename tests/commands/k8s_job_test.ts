/**
 * `kali k8s-job`: the printed manifest is a valid batch/v1 Job by the
 * Kubernetes API schema (kubernetes-models validates against the OpenAPI
 * definitions), offline, for several option sets; and each pod's args, once
 * Kubernetes has expanded them, are the user's run plus its shard.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { Job } from "kubernetes-models/batch/v1/Job";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import { main } from "../../main.ts";
import { parseArgs } from "../../src/cli/options.ts";
import type { JobManifest } from "../../src/kube/job_manifest.ts";
import { DEFAULT_IMAGE, IMAGE_REPOSITORY, IMAGE_USER } from "../../src/kube/job_manifest.ts";
import { VERSION } from "../../src/shared/version.ts";

/**
 * Compile-time check that kali's manifest type names only fields the
 * Kubernetes types have, at every depth: an unknown (misspelt) field turns
 * into `never` and the assignment below stops type checking.
 */
type OnlyKnown<T, K> = T extends readonly (infer E)[]
  ? K extends readonly (infer F)[] ? OnlyKnown<E, F>[] : never
  : T extends object
    ? { [P in keyof T]: P extends keyof K ? OnlyKnown<T[P], NonNullable<K[P]>> : never }
  : T;
const _typed = (m: JobManifest): IJob => m satisfies OnlyKnown<JobManifest, IJob>;

interface Printed {
  code: number;
  stdout: string;
  stderr: string;
}

async function k8sJob(...args: string[]): Promise<Printed> {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: (t: string) => stdout += t,
    stderr: (t: string) => stderr += t,
    live: false,
    columns: 80,
    utf8: false,
    readStdin: () => Promise.resolve(""),
  };
  const code = await main(["k8s-job", ...args], io);
  return { code, stdout, stderr };
}

/** The manifest printed for `args`, read as kubectl reads YAML (1.1). */
async function manifest(...args: string[]): Promise<IJob> {
  const printed = await k8sJob(...args);
  assert.equal(printed.code, 0, printed.stderr);
  return parse(printed.stdout, { version: "1.1" });
}

/** Kubernetes' expansion of container args: `$(VAR)` from the env, `$$` to `$`. */
function expand(arg: string, env: Record<string, string>): string {
  return arg.replace(
    /\$(\$|\(([A-Za-z_][A-Za-z0-9_]*)\))/g,
    (whole, what: string, name?: string) => {
      if (what === "$") return "$";
      return name !== undefined && name in env ? env[name] : whole;
    },
  );
}

const RUN = ["-c", "1000", "--connect-rate", "500", "-r", "10", "-m", "hello", "10.0.0.5:8080"];

const OPTION_SETS: { args: string[]; shards: number }[] = [
  { args: ["--shards", "1", "--", ...RUN], shards: 1 },
  { args: ["--shards", "3", "--", ...RUN], shards: 3 },
  {
    args: [
      "--shards=64",
      "--name",
      "load-test-7",
      "--image",
      "registry.example/kali@sha256:" + "0".repeat(64),
      "--start-in",
      "5m",
      "--cpu",
      "1500m",
      "--memory=2Gi",
      "--",
      "--ws",
      "-c10k",
      "-H",
      "X-Id: \\{connection.uid}",
      "-em",
      "GET /$(HOME)/$$ \\{connection.uid%10}\\r\\n",
      "-T",
      "2m",
      "svc.default.svc.cluster.local:80/path",
    ],
    shards: 64,
  },
  { args: ["--shards", "100000", "--start-in", "0", "--", "-c", "1m", "lb:443"], shards: 100000 },
];

Deno.test("the manifests validate against the Kubernetes batch/v1 Job schema", async () => {
  for (const { args, shards } of OPTION_SETS) {
    const job = await manifest(...args);
    new Job(job).validate(); // throws with the schema violations
    assert.equal(job.apiVersion, "batch/v1");
    assert.equal(job.kind, "Job");
    const spec = job.spec!;
    assert.equal(spec.completionMode, "Indexed");
    assert.equal(spec.completions, shards);
    assert.equal(spec.parallelism, shards);
    assert.equal(spec.backoffLimit, 0);
    assert.ok(spec.ttlSecondsAfterFinished! > 0);
    const pod = spec.template.spec!;
    assert.equal(pod.restartPolicy, "Never");
    assert.deepEqual(pod.securityContext?.sysctls, [
      { name: "net.ipv4.ip_local_port_range", value: "1024 65535" },
    ]);
    const spread = pod.topologySpreadConstraints![0];
    assert.equal(spread.topologyKey, "kubernetes.io/hostname");
    assert.deepEqual(spread.labelSelector?.matchLabels, spec.template.metadata?.labels);
    const container = pod.containers[0];
    assert.ok(container.resources?.requests?.cpu && container.resources.requests.memory);
  }
});

Deno.test("the validator does reject a broken manifest", async () => {
  const job = await manifest(...OPTION_SETS[1].args);
  for (
    const breakIt of [
      (j: IJob) => (j.spec!.completionMode as string) = "indexed",
      (j: IJob) => (j.spec!.completions as unknown) = "3",
      (j: IJob) => (j.spec!.template.spec!.containers[0].resources!.requests!.cpu as string) = "1x",
      (j: IJob) => (j.spec!.template.spec!.restartPolicy as unknown) = 0,
    ]
  ) {
    const broken = structuredClone(job);
    breakIt(broken);
    assert.throws(() => new Job(broken).validate());
  }
});

Deno.test("defaults: name kali, this version's image, 1 CPU, 512Mi, a start 60 s ahead", async () => {
  const before = Date.now();
  const printed = await k8sJob("--shards", "2", "--", ...RUN);
  const job: IJob = parse(printed.stdout);
  assert.equal(job.metadata?.name, "kali");
  const container = job.spec!.template.spec!.containers[0];
  assert.equal(container.image, DEFAULT_IMAGE);
  assert.deepEqual(container.resources?.requests, { cpu: "1", memory: "512Mi" });
  const args = container.args!;
  const at = Date.parse(args[args.indexOf("--start-at") + 1]);
  assert.ok(at >= before + 60000 && at <= Date.now() + 61000, `${at - before} ms ahead`);
  assert.match(printed.stderr, /^k8s-job: 2 shards start at \S+Z: apply the Job before then$/m);
});

Deno.test("each pod's expanded args are the user's run plus its shard, start and --json -", async () => {
  const { args: options, shards } = OPTION_SETS[2];
  const job = await manifest(...options);
  const userArgs = options.slice(options.indexOf("--") + 1);
  const args = job.spec!.template.spec!.containers[0].args!;
  const env = job.spec!.template.spec!.containers[0].env!;
  assert.equal(env[0].name, "JOB_COMPLETION_INDEX");
  assert.equal(
    env[0].valueFrom?.fieldRef?.fieldPath,
    "metadata.annotations['batch.kubernetes.io/job-completion-index']",
  );
  for (const index of [0, 17, shards - 1]) {
    const expanded = args.map((a) => expand(a, { JOB_COMPLETION_INDEX: String(index) }));
    assert.deepEqual(expanded.slice(0, userArgs.length), userArgs);
    const tail = expanded.slice(userArgs.length);
    assert.deepEqual([tail[0], tail[1], tail[2], tail[4], tail[5]], [
      "--shard",
      `${index}/${shards}`,
      "--start-at",
      "--json",
      "-",
    ]);
    const parsed = parseArgs(expanded);
    assert.equal(parsed.kind, "run");
    if (parsed.kind !== "run") continue;
    assert.deepEqual(parsed.options.shard, { index, count: shards });
    assert.equal(parsed.options.jsonFile, "-");
    assert.equal(parsed.options.startAtMs, Date.parse(tail[3]));
  }
});

Deno.test("k8s-job refuses what cannot make a sharded Job, with one line", async () => {
  const cases: [string[], RegExp][] = [
    [["--", ...RUN], /--shards <N> is required/],
    [["--shards", "0", "--", ...RUN], /--shards=0: expected a whole number in \[1\.\.100000\]/],
    [["--shards", "100001", "--", ...RUN], /--shards=100001/],
    [["--shards", "2"], /give the run's options after --/],
    [["--shards", "2", "--name", "Load_1", "--", ...RUN], /--name=Load_1: expected a lowercase/],
    [["--shards", "2", "--name", "x".repeat(64), "--", ...RUN], /--name=x+: expected/],
    [["--shards", "2", "--cpu", "two", "--", ...RUN], /--cpu=two: expected a Kubernetes quantity/],
    [["--shards", "2", "--memory", "1GB", "--", ...RUN], /--memory=1GB/],
    [["--shards", "2", "--start-in", "soon", "--", ...RUN], /--start-in=soon: expected a time/],
    [["--shards", "2", "--nodes", "3", "--", ...RUN], /unknown option --nodes/],
    [["--shards", "2", "--", "--json", "out.json", ...RUN], /--json is set by the manifest/],
    [["--shards", "2", "--", "--shard", "0/2", ...RUN], /--shard is set by the manifest/],
    [["--shards", "2", "--", "--start-at", "1738324800000", ...RUN], /--start-at is set/],
    [["--shards", "2", "--", "-c", "10"], /name no destination/],
    [["--shards", "2", "--", "-T", "-1", ...RUN], /never ends/],
    [["--shards", "2", "--", "--bogus", ...RUN], /unrecognized option '--bogus'/],
    [["--shards", "2", "--", "-m", "\uFFFD", ...RUN], /Kubernetes args are UTF-8 text/],
  ];
  for (const [args, message] of cases) {
    const printed = await k8sJob(...args);
    assert.equal(printed.code, 64, args.join(" "));
    assert.doesNotMatch(printed.stdout, /apiVersion/, args.join(" "));
    assert.match(printed.stderr, message, args.join(" "));
  }
});

Deno.test("a loopback destination is each pod itself: a warning, the manifest still printed", async () => {
  const printed = await k8sJob("--shards", "2", "--", "-c", "4", "127.0.0.1:80", "[::1]:80");
  assert.equal(printed.code, 0);
  assert.match(printed.stderr, /^WARNING: 127\.0\.0\.1:80 is each pod itself/m);
  assert.match(printed.stderr, /^WARNING: \[::1\]:80 is each pod itself/m);
});

Deno.test("a content file must be in the pods too: a warning, the manifest still printed", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const file = `${dir}/request.txt`;
    Deno.writeTextFileSync(file, "GET / HTTP/1.0\r\n\r\n");
    const printed = await k8sJob("--shards", "2", "--", "-f", file, "-c", "4", "lb:80");
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stderr, new RegExp(`^WARNING: ${file} is read in each pod`, "m"));
    assert.match(printed.stdout, /^kind: Job$/m);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("kali help k8s-job and k8s-job --help print its usage, exit 0", async () => {
  for (const args of [["--help"], ["-h"]]) {
    const printed = await k8sJob(...args);
    assert.equal(printed.code, 0);
    assert.match(printed.stdout, /^Usage: kali k8s-job --shards <N>/);
  }
  let out = "";
  const io = {
    stdout: (t: string) => out += t,
    stderr: () => {},
    live: false,
    columns: 80,
    utf8: false,
    readStdin: () => Promise.resolve(""),
  };
  assert.equal(await main(["help", "k8s-job"], io), 0);
  assert.match(out, /--start-in <Time=60s>/);
  out = "";
  await main(["help"], io);
  assert.match(out, /^ {2}k8s-job {2}print a Kubernetes Job/m);
});

Deno.test("the default image is what the Dockerfile builds and the release workflow pushes", () => {
  const read = (path: string) => Deno.readTextFileSync(new URL(`../../${path}`, import.meta.url));
  const workflow = read(".github/workflows/release.yml");
  const dockerfile = read("Dockerfile");
  const [repository, tag] = DEFAULT_IMAGE.split(/:(?=[^:]*$)/);
  assert.equal(repository, IMAGE_REPOSITORY);
  assert.match(
    workflow,
    new RegExp(`^ {2}IMAGE: ${IMAGE_REPOSITORY.replaceAll(".", "\\.")}$`, "m"),
  );
  // Tagged with kali's version, read from the file VERSION comes from.
  assert.equal(tag, VERSION);
  assert.match(workflow, /src\/shared\/version\.ts/);
  assert.match(
    workflow,
    /tags: \$\{\{ env\.IMAGE \}\}:\$\{\{ steps\.version\.outputs\.version \}\}/,
  );
  // The pod's securityContext runs as the image's user.
  assert.match(dockerfile, new RegExp(`^USER ${IMAGE_USER}:${IMAGE_USER}$`, "m"));
  assert.match(dockerfile, /^ENTRYPOINT \["\/usr\/local\/bin\/kali"\]$/m);
  // The Deno version comes from scripts/deno, its one pin.
  assert.match(dockerfile, /^ARG DENO_VERSION$/m);
  assert.match(read("scripts/deno"), /^DENO_VERSION=\d+\.\d+\.\d+$/m);
  assert.match(workflow, /sed -n 's\/\^DENO_VERSION=\/\/p' scripts\/deno/);
});
