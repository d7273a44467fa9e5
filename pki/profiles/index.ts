import { ocspSignerProfile } from './ocsp-signer';
import { operatorProfile } from './operator';
import type { CertificateProfile } from './profile';
import { routerProfile } from './router';
import { serverProfile } from './server';
import { vcEndpointProfile } from './vc-endpoint';

export type { CertificateProfile } from './profile';

export const PROFILE_NAMES = ['router', 'server', 'vc-endpoint', 'operator', 'ocsp-signer'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export const PROFILES: Record<ProfileName, CertificateProfile> = {
  router: routerProfile,
  server: serverProfile,
  'vc-endpoint': vcEndpointProfile,
  operator: operatorProfile,
  'ocsp-signer': ocspSignerProfile,
};

export function isProfileName(value: string): value is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(value);
}
