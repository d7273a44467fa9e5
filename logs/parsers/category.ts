/**
 * The taxonomy's common sense: a vendor message id (`SSH/4/SSH_FAIL`, `SEC_LOGIN-4-LOGIN_FAILED`,
 * `ASA-4-106023`) or, failing that, the words of the message decide the category. Vendor parsers
 * consult their own tables first; this is what every format falls back to.
 */
import type { SecurityCategory } from '../../domain';

const BY_ID: readonly [RegExp, SecurityCategory][] = [
  [/ATTACK|ATCK|(?:^|[/_-])ATK|\bIPS\b|IPS_|INTRUSION|FLOOD|SCAN|VIRUS|\bAV\b|ANTI|THREAT|DDOS/, 'attack'],
  [/DENY|DROP/, 'policy-deny'],
  [/LOGIN_?FAIL|AUTH_?FAIL|LOGON_?FAIL|SSH_FAIL|PASSWORD_?FAIL|LOGIN_?DENIED/, 'auth-failure'],
  [/LOGOUT|LOGOFF/, 'system'],
  [/LOGIN|LOGON|AUTH_?SUCCESS|AUTH_?PASS/, 'auth-success'],
  [/CMD|COMMAND/, 'command'],
  [/CFG|CONFIG/, 'config-change'],
];

const BY_WORDS: readonly [RegExp, SecurityCategory][] = [
  [/\b(?:attack|intrusion|flood|port scan)\b/i, 'attack'],
  [/\b(?:deny|denied|dropped)\b.{0,40}\b(?:tcp|udp|icmp|packet|traffic|src|source)\b/i, 'policy-deny'],
  [
    /\b(?:failed password|authentication fail|login fail|failed to log ?in|invalid user|auth(?:entication)? failure)/i,
    'auth-failure',
  ],
  [/\b(?:accepted (?:password|publickey|keyboard)|logged in|login success|session opened)/i, 'auth-success'],
  [/\bCOMMAND=|\bexecuted .{0,40}command|\bcommand is\b/i, 'command'],
  [/\bconfigur(?:ation|ed) (?:changed|saved|from)\b/i, 'config-change'],
];

export function categoryFromId(messageId: string): SecurityCategory | null {
  const id = messageId.toUpperCase();
  for (const [pattern, category] of BY_ID) if (pattern.test(id)) return category;
  return null;
}

export function categoryFromWords(text: string): SecurityCategory {
  for (const [pattern, category] of BY_WORDS) if (pattern.test(text)) return category;
  return 'system';
}

/** The id's category when it says one, else the words'. */
export function categorize(messageId: string, text: string): SecurityCategory {
  return categoryFromId(messageId) ?? categoryFromWords(text);
}
