/**
 * Who this instance is: colour and version from the config, pod facts from the Kubernetes downward API
 * (POD_NAME, POD_NAMESPACE, NODE_NAME, POD_IP), falling back to the hostname outside a cluster.
 */
import { hostname as osHostname, networkInterfaces } from 'node:os';
import { COLOR_HEADER, IDENTITY_HEADER_NAMES, POD_HEADER, VERSION_HEADER } from '../protocol/identity.js';
import type { ServeOptions } from './options.js';

export interface Identity {
  color: string;
  version: string;
  pod: string;
  namespace: string | null;
  node: string | null;
  podIP: string | null;
  hostname: string;
  startedAt: string;
}

function firstExternalIPv4(): string | null {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

function nonEmpty(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

export function resolveIdentity(
  config: Pick<ServeOptions, 'color' | 'version'>,
  env: NodeJS.ProcessEnv = process.env,
  startedAt: Date = new Date(),
): Identity {
  const hostname = osHostname();
  return {
    color: config.color,
    version: config.version,
    pod: nonEmpty(env.POD_NAME) ?? hostname,
    namespace: nonEmpty(env.POD_NAMESPACE),
    node: nonEmpty(env.NODE_NAME),
    podIP: nonEmpty(env.POD_IP) ?? firstExternalIPv4(),
    hostname,
    startedAt: startedAt.toISOString(),
  };
}

// Node refuses header values outside printable latin1; a stray byte in an env value must not break every response.
function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?');
}

/** The headers set on every response: identity plus CORS so a page on another origin can read them. */
export function identityHeaders(identity: Identity): Record<string, string> {
  return {
    [COLOR_HEADER]: headerSafe(identity.color),
    [POD_HEADER]: headerSafe(identity.pod),
    [VERSION_HEADER]: headerSafe(identity.version),
    'access-control-allow-origin': '*',
    'access-control-expose-headers': IDENTITY_HEADER_NAMES.join(', '),
  };
}
