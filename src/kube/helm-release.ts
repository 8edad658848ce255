/**
 * Decodes Helm v3 release Secrets (type helm.sh/release.v1): the `release` data key holds base64
 * of gzipped release JSON, inside the Secret's own base64. Effective values are the chart's
 * defaults overlaid with the user's config, as Helm computes them.
 */
import { gunzipSync } from 'node:zlib';
import {
  caCertOf,
  consulFullname,
  type InstallFacts,
  imageVersion,
  installValues,
  partitionNameOf,
} from '../resources/consul-chart.ts';
import type { LiveObject } from './cluster-client.ts';

type Values = Record<string, unknown>;

/** The parts of a Helm release meshpeer reads. */
export interface HelmRelease {
  readonly name: string;
  readonly version: number;
  readonly status: string;
  readonly chartVersion: string;
  readonly appVersion: string;
  readonly values: Values;
}

function isObject(v: unknown): v is Values {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Helm's coalescing: user values win, maps merge recursively, null deletes a default. */
export function mergeValues(defaults: Values, overrides: Values): Values {
  const out: Values = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete out[key];
    else if (isObject(value) && isObject(out[key])) out[key] = mergeValues(out[key] as Values, value);
    else out[key] = value;
  }
  return out;
}

/** Decodes one release Secret; throws on anything that is not a Helm v3 release. */
export function decodeHelmRelease(secret: LiveObject): HelmRelease {
  const data = secret.data?.release;
  if (secret.type !== 'helm.sh/release.v1' || data === undefined)
    throw new Error(`${secret.metadata.name} is not a Helm v3 release Secret`);
  const inner = Buffer.from(Buffer.from(data, 'base64').toString('utf8'), 'base64');
  // Helm gzips releases since v3.0; plain JSON is still accepted by Helm's decoder.
  const json =
    inner[0] === 0x1f && inner[1] === 0x8b ? gunzipSync(inner).toString('utf8') : inner.toString('utf8');
  const release = JSON.parse(json) as {
    name?: string;
    version?: number;
    info?: { status?: string };
    chart?: { metadata?: { version?: string; appVersion?: string }; values?: Values };
    config?: Values;
  };
  return {
    name: release.name ?? '',
    version: release.version ?? 0,
    status: release.info?.status ?? 'unknown',
    chartVersion: release.chart?.metadata?.version ?? '0.0.0',
    appVersion: release.chart?.metadata?.appVersion ?? '0.0.0',
    values: mergeValues(release.chart?.values ?? {}, release.config ?? {}),
  };
}

/** The newest deployed release among a release's Secrets (labels owner=helm,name=RELEASE). */
export function latestDeployed(secrets: readonly LiveObject[]): HelmRelease | undefined {
  const releases = secrets.flatMap((s) => {
    try {
      return [decodeHelmRelease(s)];
    } catch {
      return [];
    }
  });
  return releases.filter((r) => r.status === 'deployed').sort((a, b) => b.version - a.version)[0];
}

/** The install facts of a decoded Consul release; `fullname` overrides the chart's rule when given. */
export function installFromRelease(release: HelmRelease, fullnameOverride?: string): InstallFacts {
  const fullname = fullnameOverride ?? consulFullname(release.name, release.values);
  return {
    source: 'helm-release',
    release: release.name,
    fullname,
    caCert: caCertOf(fullname, release.values),
    chartVersion: release.chartVersion,
    consulVersion: imageVersion(release.values) ?? release.appVersion,
    values: installValues(release.values),
    partitionName: partitionNameOf(release.values),
  };
}
