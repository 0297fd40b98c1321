/**
 * The Kubernetes Job that runs a kali test in N shards: an Indexed Job
 * (one pod per shard, numbered from 0), spread over nodes, every pod
 * starting at one instant and printing its result as JSON to its log.
 *
 * The types below are the parts of the Kubernetes API (batch/v1) the
 * manifest uses; the tests check them and the manifests against the
 * Kubernetes schema.
 *
 * @module
 */
import { VERSION } from "../shared/version.ts";

/** Where the release workflow pushes kali's image (Dockerfile). */
export const IMAGE_REPOSITORY = "ghcr.io/kali/kali";

/** The image of this kali version. */
export const DEFAULT_IMAGE = `${IMAGE_REPOSITORY}:${VERSION}`;

/** How long a finished Job (and its pods' logs) is kept: time to collect the results. */
export const TTL_SECONDS_AFTER_FINISHED = 3600;

/**
 * The ephemeral ports a pod may use for its outgoing connections: the
 * widest range the kernel accepts above the privileged ports. Each
 * destination address and port takes one local port per connection.
 */
export const LOCAL_PORT_RANGE = "1024 65535";

/** The non-root user of the image (distroless `nonroot`). */
export const IMAGE_USER = 65532;

/** What the Job is made from. */
export interface JobOptions {
  /** The Job's name (an RFC 1123 label): pods are `NAME-<index>-<suffix>`. */
  name: string;
  /** Shards: the Job's completions and parallelism. */
  shards: number;
  image: string;
  /** The common start (Unix epoch ms) given to every shard's `--start-at`. */
  startAtMs: number;
  /** Per-pod CPU request (a Kubernetes quantity). */
  cpu: string;
  /** Per-pod memory request (a Kubernetes quantity). */
  memory: string;
  /** The run's options and destinations, as given to `kali run`. */
  runArgs: string[];
}

type Labels = Record<string, string>;

/** container.env: JOB_COMPLETION_INDEX from the pod's completion-index annotation. */
interface EnvVar {
  name: string;
  valueFrom: { fieldRef: { fieldPath: string } };
}

interface Container {
  name: string;
  image: string;
  imagePullPolicy: "IfNotPresent";
  args: string[];
  env: EnvVar[];
  resources: { requests: { cpu: string; memory: string } };
  securityContext: {
    allowPrivilegeEscalation: boolean;
    capabilities: { drop: string[] };
  };
}

interface PodSpec {
  restartPolicy: "Never";
  securityContext: {
    runAsNonRoot: boolean;
    runAsUser: number;
    runAsGroup: number;
    sysctls: { name: string; value: string }[];
  };
  topologySpreadConstraints: {
    maxSkew: number;
    topologyKey: string;
    whenUnsatisfiable: "ScheduleAnyway";
    labelSelector: { matchLabels: Labels };
  }[];
  containers: Container[];
}

/** A batch/v1 Job, as far as kali's manifest fills it in. */
export interface JobManifest {
  apiVersion: "batch/v1";
  kind: "Job";
  metadata: { name: string; labels: Labels };
  spec: {
    completionMode: "Indexed";
    completions: number;
    parallelism: number;
    backoffLimit: number;
    ttlSecondsAfterFinished: number;
    template: { metadata: { labels: Labels }; spec: PodSpec };
  };
}

/**
 * Kubernetes expands `$(VAR)` in container args and reads `$$` as `$`:
 * every `$` of the user's own arguments is doubled so that they arrive as
 * typed.
 */
export function escapeArg(arg: string): string {
  return arg.replaceAll("$", "$$$$");
}

/** The container's args: the run's, then the shard, the common start and JSON on stdout. */
export function containerArgs(o: JobOptions): string[] {
  return [
    ...o.runArgs.map(escapeArg),
    "--shard",
    `$(JOB_COMPLETION_INDEX)/${o.shards}`,
    "--start-at",
    new Date(o.startAtMs).toISOString(),
    "--json",
    "-",
  ];
}

function container(o: JobOptions): Container {
  return {
    name: "kali",
    image: o.image,
    imagePullPolicy: "IfNotPresent",
    args: containerArgs(o),
    // Set by the Job controller too; named here so that args can refer to it anywhere.
    env: [{
      name: "JOB_COMPLETION_INDEX",
      valueFrom: {
        fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" },
      },
    }],
    resources: { requests: { cpu: o.cpu, memory: o.memory } },
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
  };
}

/** The Job manifest for `o`. */
export function jobManifest(o: JobOptions): JobManifest {
  const labels = { "app.kubernetes.io/name": "kali", "app.kubernetes.io/instance": o.name };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: o.name, labels },
    spec: {
      completionMode: "Indexed",
      completions: o.shards,
      parallelism: o.shards,
      // A shard that fails is not re-run: a late re-run would not share the start.
      backoffLimit: 0,
      ttlSecondsAfterFinished: TTL_SECONDS_AFTER_FINISHED,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          securityContext: {
            runAsNonRoot: true,
            runAsUser: IMAGE_USER,
            runAsGroup: IMAGE_USER,
            sysctls: [{ name: "net.ipv4.ip_local_port_range", value: LOCAL_PORT_RANGE }],
          },
          // One shard per node where the nodes allow it; more share a node otherwise.
          topologySpreadConstraints: [{
            maxSkew: 1,
            topologyKey: "kubernetes.io/hostname",
            whenUnsatisfiable: "ScheduleAnyway",
            labelSelector: { matchLabels: labels },
          }],
          containers: [container(o)],
        },
      },
    },
  };
}
