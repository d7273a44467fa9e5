/**
 * RFC 3164 (BSD): `<PRI>TIMESTAMP HOSTNAME TAG[pid]: MSG`, as loosely as devices send it. The
 * timestamp is any of the vendor variants in timestamp.ts; the HOSTNAME is the next word unless that
 * word is already the tag (`sshd[12]:`) or a vendor marker (`%%01…`, `%SEC_LOGIN-…`), which some
 * devices send without a hostname. Without a timestamp the whole rest is the message (Cisco sends
 * `<189>123: *Dec  6 …: %SYS-5-CONFIG_I: …`; its parser reads its own timestamp).
 */
import type { SyslogHeader } from './types';
import { readBsdTimestamp } from './timestamp';

const TAG = /^([^\s:[]{1,48})(?:\[\d{1,10}\])?: ?/;

function looksLikeTag(word: string): boolean {
  return word.endsWith(':') || word.startsWith('%') || /^[^\s[]+\[\d+\]:?$/.test(word);
}

/** `text` starts after the PRI. */
export function readRfc3164(text: string, severity: number, receivedAtMs: number): SyslogHeader {
  const stamp = readBsdTimestamp(text, receivedAtMs);
  if (!stamp)
    return {
      format: 'rfc3164',
      severity,
      timeMs: null,
      hostname: null,
      app: null,
      msgId: null,
      message: text,
    };
  let rest = text.slice(stamp.length);
  let hostname: string | null = null;
  const space = rest.indexOf(' ');
  const word = space < 0 ? rest : rest.slice(0, space);
  if (space > 0 && !looksLikeTag(word)) {
    hostname = word;
    rest = rest.slice(space + 1);
  }
  const tag = rest.startsWith('%') ? null : TAG.exec(rest);
  return {
    format: 'rfc3164',
    severity,
    timeMs: stamp.timeMs,
    hostname,
    app: tag ? (tag[1] as string) : null,
    msgId: null,
    message: tag ? rest.slice(tag[0].length) : rest,
  };
}
