import { operatorProfile } from './operator';
import type { CertificateProfile } from './profile';
import { routerProfile } from './router';
import { serverProfile } from './server';
import { vcEndpointProfile } from './vc-endpoint';

export type { CertificateProfile } from './profile';

/** Profiles a PKI administrator may request for a node or operator (API, console, CLI). */
export const PROFILE_NAMES = ['router', 'server', 'vc-endpoint', 'operator'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export const PROFILES: Record<ProfileName, CertificateProfile> = {
  router: routerProfile,
  server: serverProfile,
  'vc-endpoint': vcEndpointProfile,
  operator: operatorProfile,
};

/**
 * Certificates the CA makes for itself and never on request. A delegated OCSP signer can vouch for
 * every certificate of its CA, so handing one to a county's administrator would let them answer
 * "good" for another county's revoked certificates; CA certificates come from init and sign-branch.
 */
const CA_OWN_PROFILES: Record<string, string> = {
  'ocsp-signer': 'delegated OCSP signers are issued and rotated by the CA itself',
  'root-ca': 'the root certificate is made by "egov-noc ca init"',
  'branch-ca': 'branch CA certificates are made by "egov-noc ca init" or "egov-noc ca sign-branch"',
};

export function isProfileName(value: string): value is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(value);
}

/** Why a profile name cannot be requested: the reason names the profiles that can. */
export function profileRefusal(value: string): string {
  const own = Object.hasOwn(CA_OWN_PROFILES, value) ? CA_OWN_PROFILES[value] : undefined;
  if (own !== undefined)
    return `profile "${value}" is not issued on request: ${own} (requestable: ${PROFILE_NAMES.join(', ')})`;
  return `unknown profile "${value}" (${PROFILE_NAMES.join(', ')})`;
}
