/**
 * RFC 5424: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD…] MSG`, `-` for absent fields.
 * Structured data is skipped by scanning for its closing `]` with `\]` escapes honoured (linear).
 */
import type { SyslogHeader } from './types';
import { readIsoTimestamp } from './timestamp';

const nil = (field: string | undefined): string | null =>
  field === undefined || field === '-' || field === '' ? null : field;

/** Where the structured data ends (index after it), or -1 when it is malformed. */
function skipStructuredData(text: string, at: number): number {
  if (text.startsWith('-', at)) return at + 1;
  let pos = at;
  while (text.charCodeAt(pos) === 0x5b /* [ */) {
    pos++;
    let quoted = false;
    for (; pos < text.length; pos++) {
      const c = text.charCodeAt(pos);
      if (c === 0x5c /* \ */) pos++;
      else if (c === 0x22 /* " */) quoted = !quoted;
      else if (c === 0x5d /* ] */ && !quoted) break;
    }
    if (pos >= text.length) return -1;
    pos++;
  }
  return pos === at ? -1 : pos;
}

/** `text` starts after the PRI. */
export function readRfc5424(text: string, severity: number): SyslogHeader | null {
  if (!text.startsWith('1 ')) return null;
  const fields: string[] = [];
  let pos = 2;
  for (let i = 0; i < 5; i++) {
    const space = text.indexOf(' ', pos);
    if (space < 0) return null;
    fields.push(text.slice(pos, space));
    pos = space + 1;
  }
  const sdEnd = skipStructuredData(text, pos);
  if (sdEnd < 0) return null;
  let message = text.slice(sdEnd).replace(/^ /, '');
  if (message.startsWith('\uFEFF')) message = message.slice(1); // the BOM RFC 5424 allows
  const [timestamp, hostname, app, , msgId] = fields;
  return {
    format: 'rfc5424',
    severity,
    timeMs: readIsoTimestamp(timestamp ?? '-'),
    hostname: nil(hostname),
    app: nil(app),
    msgId: nil(msgId),
    message,
  };
}
