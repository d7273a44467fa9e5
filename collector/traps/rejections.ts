/**
 * Why net-snmp refused a datagram, as a fixed phrase. Its error messages embed the community, the
 * expected and received digests and the user with its keys, so they are never logged as they are.
 */
export type RejectionReason =
  | 'unknown SNMPv3 user'
  | 'security level below the user’s'
  | 'authentication failed'
  | 'decryption failed'
  | 'community not accepted'
  | 'unsupported PDU'
  | 'malformed datagram';

export function rejectionReason(error: Error): RejectionReason {
  const code = (error as Error & { code?: number }).code;
  const message = error.message;
  if (error.name === 'ResponseInvalidError')
    return code === 4 ? 'decryption failed' : 'authentication failed';
  if (error.name === 'RequestFailedError') {
    if (message.startsWith('Local user not found')) return 'unknown SNMPv3 user';
    if (message.startsWith('Local community not found')) return 'community not accepted';
    return 'security level below the user’s';
  }
  if (error.name === 'RequestInvalidError') return 'unsupported PDU';
  return 'malformed datagram';
}
