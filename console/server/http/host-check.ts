/**
 * The Host header must name this console: closes DNS rebinding, where a page on an attacker's name
 * that resolves to this machine would otherwise reach the console (and /pki) from a browser on the
 * operators' network. Names are allowed from a list: localhost, the listen host and the serve
 * config's `allowedHosts`. An IP literal is always accepted: a browser sends one only when the user
 * typed that address, never for a page on someone else's name, so it cannot carry a rebinding attack
 * (and a console behind NAT or in a container is reached by addresses it cannot know).
 */
import { isIP } from 'node:net';

export type HostPolicy = ReadonlySet<string>;

export function hostPolicy(listenHost: string, allowedHosts: readonly string[]): HostPolicy {
  const names = new Set(['localhost']);
  for (const entry of [listenHost, ...allowedHosts]) {
    const host = normalizeHost(entry.replace(/^\[|\]$/g, ''));
    if (host !== '' && isIP(host) === 0) names.add(host);
  }
  return names;
}

const normalizeHost = (host: string): string => host.toLowerCase().replace(/\.$/, '');

const HOST_HEADER = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9.-]+))(?::\d{1,5})?$/i;

/** The host part of a Host header ("[::1]:8080" → "::1"), lower case; null when it is not one. */
export function hostName(header: string | undefined): string | null {
  const match = HOST_HEADER.exec(header ?? '');
  if (!match) return null;
  return normalizeHost(match[1] ?? match[2] ?? '');
}

/** null when the Host header is acceptable, else the reason it is not. */
export function hostProblem(header: string | undefined, allowedNames: HostPolicy): string | null {
  const host = hostName(header);
  if (host === null) return 'the Host header is missing or malformed';
  if (isIP(host) !== 0 || allowedNames.has(host)) return null;
  return `"${host}" is not a name of this console; an administrator can add it to allowedHosts in the serve config`;
}
