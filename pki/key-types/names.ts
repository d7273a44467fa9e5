/**
 * The names of the key types the PKI generates, without their code: `--help` lists them without
 * loading the key modules (SM2 pulls in curve arithmetic). Each key-type file takes its own list from here.
 */
export const RSA_KEY_TYPES = ['rsa2048', 'rsa3072', 'rsa4096'] as const;
export const ECDSA_KEY_TYPES = ['p256', 'p384'] as const;
export const SM2_KEY_TYPES = ['sm2'] as const;

export const KEY_TYPES = [...RSA_KEY_TYPES, ...ECDSA_KEY_TYPES, ...SM2_KEY_TYPES] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export function isKeyType(value: string): value is KeyType {
  return (KEY_TYPES as readonly string[]).includes(value);
}
