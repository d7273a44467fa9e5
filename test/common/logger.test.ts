import { describe, expect, it } from 'vitest';
import { createLogger, memoryLogger } from '../../common/logger';

function capture(level: 'debug' | 'info' | 'warn' = 'debug') {
  const lines: string[] = [];
  const log = createLogger({ level, destination: { write: (line: string) => void lines.push(line) } });
  return { log, text: () => lines.join(''), parsed: () => lines.map((l) => JSON.parse(l) as object) };
}

const SECRET = 'S3CRET-VALUE-9f2c';
const SECRET_FIELDS = [
  'community',
  'communities',
  'authKey',
  'privKey',
  'password',
  'passphrase',
  'pass',
  'token',
  'secret',
  'credentials',
  'authorization',
  'Authorization',
  'cookie',
  'set-cookie',
];

describe('createLogger: one redaction list for every part', () => {
  it.each(SECRET_FIELDS)('never writes the value of "%s", at the top or nested two levels down', (field) => {
    const { log, text } = capture();
    log.info({ [field]: SECRET }, 'top');
    log.warn({ node: 'n1', agent: { [field]: SECRET } }, 'one level');
    log.error({ request: { headers: { [field]: SECRET } } }, 'two levels');
    expect(text()).not.toContain(SECRET);
    expect(text().match(/\[redacted\]/g)).toHaveLength(3);
  });

  it('redacts fields bound on a child logger too, and keeps the ordinary ones', () => {
    const { log, parsed } = capture();
    log.child({ part: 'collector', token: SECRET }).info({ node: 'nanyang-core' }, 'polled');
    expect(parsed()).toEqual([
      expect.objectContaining({
        part: 'collector',
        token: '[redacted]',
        node: 'nanyang-core',
        msg: 'polled',
      }),
    ]);
  });

  it('writes only at or above its level', () => {
    const { log, parsed } = capture('warn');
    log.debug({}, 'hidden');
    log.info({}, 'hidden');
    log.warn({}, 'shown');
    expect(parsed().map((line) => (line as { msg: string }).msg)).toEqual(['shown']);
  });
});

describe('memoryLogger', () => {
  it('records every line with its level, and a child adds its bindings to the same record', () => {
    const log = memoryLogger();
    log.info({ a: 1 }, 'first');
    log.child({ part: 'alerts' }).child({ rule: 'r1' }).error({ b: 2 }, 'second');
    expect(log.lines).toEqual([
      { level: 'info', msg: 'first', obj: { a: 1 } },
      { level: 'error', msg: 'second', obj: { part: 'alerts', rule: 'r1', b: 2 } },
    ]);
  });
});
