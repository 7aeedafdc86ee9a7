/**
 * Checks the manifests against the code they run: the server's config (env names, values, drain timing),
 * its routes (probe and metrics paths), the loadtester's target and UI port, and the package version.
 */
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IServiceSpec } from 'kubernetes-models/v1/ServiceSpec';
import {
  IDENTITY_ENV,
  SERVE_ENV_NAMES,
  SERVE_SETTINGS,
  resolveServeOptions,
  type ServeOptions,
} from '../server/options.js';
import type { Finding } from './findings.js';
import type { Manifest } from './manifest.js';
import {
  type ContainerRef,
  containers,
  declaresPort,
  obj,
  ofKind,
  isBluegreenImage,
  preStopSeconds,
  reporter,
  runsLoad,
  runsServe,
  workloads,
  templatePath,
} from './objects.js';

export interface Contract {
  /** The package version: the image tag and the app.kubernetes.io/version label. */
  version: string;
  /** Whether the server answers GET `path` (fastify's hasRoute on the real app). */
  hasGetRoute: (path: string) => boolean;
  /** Parses `load …` container args (and literal env) as the real CLI does; throws on bad usage. */
  parseLoadArgs: (args: readonly string[], env: Record<string, string>) => LoadSettings;
}

/** What the checks need from the loadtester's resolved options. */
export interface LoadSettings {
  url: string;
  uiPort: number | null;
  serve: boolean;
}

/** The app's readiness path: the one that turns 503 on SIGTERM (/healthz stays 200 while draining). */
export const READINESS_PATH = '/readyz';
/** Time between the app's hard shutdown timer and the kubelet's SIGKILL, for the exit itself. */
export const GRACE_MARGIN_SECONDS = 5;
export const DEFAULT_GRACE_SECONDS = 30;

const DOWNWARD_API: Record<(typeof IDENTITY_ENV)[number], string> = {
  POD_NAME: 'metadata.name',
  POD_NAMESPACE: 'metadata.namespace',
  NODE_NAME: 'spec.nodeName',
  POD_IP: 'status.podIP',
};

type Report = ReturnType<typeof reporter>;

/** Env values set literally on the container, by name. */
function literalEnv(c: IContainer): Record<string, string> {
  return Object.fromEntries((c.env ?? []).flatMap((e) => (e.value !== undefined ? [[e.name, e.value]] : [])));
}

function checkServeEnv({ container, path }: ContainerRef, report: Report): void {
  (container.env ?? []).forEach((e, i) => {
    const at = `${path}.env[${i}]`;
    if (!SERVE_ENV_NAMES.includes(e.name)) {
      report('env-name', `${at}.name`, `"${e.name}" is not read by bluegreen serve`);
      return;
    }
    const setting = SERVE_SETTINGS.find((s) => s.env === e.name);
    if (setting && e.value !== undefined) {
      try {
        setting.parse(e.value, e.name);
      } catch (error) {
        report('env-value', `${at}.value`, (error as Error).message);
      }
    }
    const field = DOWNWARD_API[e.name as keyof typeof DOWNWARD_API];
    if (field && e.valueFrom?.fieldRef?.fieldPath !== field) {
      report('downward-api', `${at}.valueFrom.fieldRef.fieldPath`, `${e.name} must come from ${field}`);
    }
  });
  for (const name of IDENTITY_ENV) {
    if (!(container.env ?? []).some((e) => e.name === name)) {
      report('downward-api', `${path}.env`, `${name} is missing (pod identity falls back to the hostname)`);
    }
  }
}

/** The start delay and drain of a container that runs bluegreen's app, from its literal env; else undefined. */
export function appTiming(c: IContainer): { startDelaySeconds: number; drainSeconds: number } | undefined {
  if (!runsServe(c)) return undefined;
  try {
    const { startDelaySeconds, drainSeconds } = resolveServeOptions({}, literalEnv(c));
    return { startDelaySeconds, drainSeconds };
  } catch {
    // A rejected env is reported by env-value and drain-grace; count it as no delay here.
    return { startDelaySeconds: 0, drainSeconds: 0 };
  }
}

/** The config the server would resolve from the container's env; a rejected combination is a finding. */
function serveConfig({ container, path }: ContainerRef, report: Report): ServeOptions | undefined {
  try {
    return resolveServeOptions({}, literalEnv(container));
  } catch (error) {
    report('drain-grace', `${path}.env`, (error as Error).message);
    return undefined;
  }
}

function checkAppPort({ container, path }: ContainerRef, config: ServeOptions, report: Report): void {
  if (!declaresPort(container, config.port)) {
    report(
      'app-port',
      `${path}.ports`,
      `no containerPort ${config.port}, the port the app listens on (PORT)`,
    );
  }
}

function checkDrainGrace(
  { path, workload, container }: ContainerRef,
  config: ServeOptions,
  report: Report,
): void {
  const longestRequestSeconds = (config.maxDelayMs + config.latency.maxMs) / 1000;
  if (config.drainSeconds + longestRequestSeconds > config.shutdownTimeoutSeconds) {
    report(
      'drain-grace',
      `${path}.env`,
      `SHUTDOWN_TIMEOUT_SECONDS (${config.shutdownTimeoutSeconds}) is shorter than DRAIN_SECONDS (${config.drainSeconds}) + the longest request (${longestRequestSeconds} s, MAX_DELAY_MS + LATENCY_MS)`,
    );
  }
  // The grace period counts from the start of preStop; the app's shutdown timer from SIGTERM, after it.
  const grace = workload.template.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
  const sleep = preStopSeconds(container);
  if (grace < sleep + config.shutdownTimeoutSeconds + GRACE_MARGIN_SECONDS) {
    report(
      'drain-grace',
      templatePath(workload, 'spec.terminationGracePeriodSeconds'),
      `${grace} s leaves less than ${GRACE_MARGIN_SECONDS} s after ${sleep > 0 ? `the preStop sleep (${sleep} s) + ` : ''}SHUTDOWN_TIMEOUT_SECONDS (${config.shutdownTimeoutSeconds}): the kubelet would kill the app mid-shutdown`,
    );
  }
}

function checkPrometheus(
  { workload }: ContainerRef,
  config: ServeOptions,
  contract: Contract,
  report: Report,
): void {
  const annotations = workload.template.metadata?.annotations ?? {};
  const at = templatePath(workload, 'metadata.annotations');
  if (annotations['prometheus.io/scrape'] !== 'true') {
    report('prometheus', `${at}.prometheus.io/scrape`, 'must be "true"');
  }
  if (annotations['prometheus.io/port'] !== String(config.port)) {
    report('prometheus', `${at}.prometheus.io/port`, `must be "${config.port}", the app's port`);
  }
  const metricsPath = annotations['prometheus.io/path'] ?? '/metrics';
  if (!contract.hasGetRoute(metricsPath)) {
    report('prometheus', `${at}.prometheus.io/path`, `the server has no GET ${metricsPath}`);
  }
}

function checkServeRoutes({ container, path }: ContainerRef, contract: Contract, report: Report): void {
  for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
    const probePath = container[probe]?.httpGet?.path;
    if (probePath !== undefined && !contract.hasGetRoute(probePath)) {
      report('probe-path', `${path}.${probe}.httpGet.path`, `the server has no GET ${probePath}`);
    }
  }
  const readiness = container.readinessProbe?.httpGet?.path;
  if (readiness !== undefined && readiness !== READINESS_PATH) {
    report(
      'probe-path',
      `${path}.readinessProbe.httpGet.path`,
      `must be ${READINESS_PATH}, the path that fails during start delay and drain`,
    );
  }
}

/** `load <url> --serve --ui …`: valid flags, a long-running UI on a declared port, a target Service defined here. */
function checkLoad(
  { container, path, workload }: ContainerRef,
  manifests: readonly Manifest[],
  contract: Contract,
  report: Report,
): void {
  let load: LoadSettings;
  try {
    load = contract.parseLoadArgs(container.args ?? [], literalEnv(container));
  } catch (error) {
    report('loadtester-args', `${path}.args`, (error as Error).message);
    return;
  }
  if (!load.serve) {
    report('loadtester-args', `${path}.args`, 'needs --serve: without it the run ends and the pod restarts');
  }
  if (load.uiPort === null || !declaresPort(container, load.uiPort)) {
    report(
      'loadtester-ui',
      `${path}.ports`,
      `no containerPort for the dashboard (--ui ${load.uiPort ?? ''})`,
    );
  }
  const url = new URL(load.url);
  const [service, namespace] = url.hostname.split('.');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  // Manifests without a namespace land in whatever namespace kubectl's context names (one per trainee on a
  // shared cluster), so the full name cannot be written: there the Service's bare name, which the pod's DNS
  // search path resolves in its own namespace, is the right target.
  const namespaceless = obj(workload.manifest).metadata?.namespace === undefined;
  const bareName = namespaceless && namespace === undefined;
  const target = ofKind(manifests, 'Service').find(
    (s) => obj(s).metadata?.name === service && obj(s).metadata?.namespace === namespace,
  );
  if (!target || !(bareName || url.hostname.endsWith('.svc.cluster.local'))) {
    report(
      'loadtester-target',
      `${path}.args[1]`,
      `${url.hostname} is not <service>.<namespace>.svc.cluster.local of a Service defined in these files`,
    );
  } else if (!(obj<IServiceSpec>(target).spec?.ports ?? []).some((p) => p.port === port)) {
    report('loadtester-target', `${path}.args[1]`, `Service "${service}" has no port ${port}`);
  }
}

/** bluegreen's own image: one reference, tagged with this package's version (latest and untagged: rollout.ts). */
function checkImages(refs: readonly ContainerRef[], contract: Contract, out: Finding[]): void {
  const first = refs[0]?.container.image;
  for (const { workload, container, path } of refs) {
    const report = reporter(workload.manifest, out);
    const image = container.image ?? '';
    const tag = /^[^@]+:([^:/@]+)$/.exec(image)?.[1];
    if (tag === undefined || tag === 'latest') continue;
    if (tag !== contract.version) {
      report(
        'image',
        `${path}.image`,
        `"${image}" must be tagged with the package version ${contract.version}`,
      );
    } else if (image !== first) {
      report(
        'image',
        `${path}.image`,
        `"${image}" differs from "${first}": use one image reference everywhere`,
      );
    }
    if (container.imagePullPolicy !== 'IfNotPresent') {
      report(
        'image',
        `${path}.imagePullPolicy`,
        'must be IfNotPresent: works with an image loaded into kind/k3d/minikube and with a registry',
      );
    }
  }
}

/** Objects that are part of bluegreen carry its version. */
function checkVersionLabels(manifests: readonly Manifest[], contract: Contract, out: Finding[]): void {
  const labelled = [
    ...manifests.map((m) => ({ m, labels: obj(m).metadata?.labels, path: 'metadata.labels' })),
    ...workloads(manifests).map((w) => ({
      m: w.manifest,
      labels: w.template.metadata?.labels,
      path: templatePath(w, 'metadata.labels'),
    })),
  ];
  for (const { m, labels, path } of labelled) {
    const version = labels?.['app.kubernetes.io/version'];
    if (labels?.['app.kubernetes.io/part-of'] !== 'bluegreen') continue;
    if (version !== undefined && version !== contract.version) {
      reporter(m, out)(
        'labels',
        `${path}.app.kubernetes.io/version`,
        `"${version}" differs from the package version ${contract.version}`,
      );
    }
  }
}

export function checkContract(manifests: readonly Manifest[], contract: Contract): Finding[] {
  const out: Finding[] = [];
  const refs = workloads(manifests).flatMap(containers);
  for (const ref of refs) {
    const report = reporter(ref.workload.manifest, out);
    const isMain = ref.path.includes('.containers[');
    if (isMain && runsServe(ref.container)) {
      checkServeEnv(ref, report);
      checkServeRoutes(ref, contract, report);
      const config = serveConfig(ref, report);
      if (config) {
        checkAppPort(ref, config, report);
        checkDrainGrace(ref, config, report);
        checkPrometheus(ref, config, contract, report);
      }
    } else if (isMain && runsLoad(ref.container)) {
      checkLoad(ref, manifests, contract, report);
    }
  }
  checkImages(
    refs.filter((r) => isBluegreenImage(r.container.image)),
    contract,
    out,
  );
  checkVersionLabels(manifests, contract, out);
  return out;
}
