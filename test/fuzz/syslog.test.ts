/**
 * Fuzz at the syslog receiver's edges: the bytes of a line (decoded as UTF-8, GBK or binary, then
 * read by the header and vendor parsers) and the TCP byte stream cut into frames (RFC 6587). Every
 * input gives a reading or a frame within the bound, never an exception; long runs of the characters
 * the parsers look for are among the seeds, so a parser that backtracks shows up as a timeout.
 */
import { describe, expect, it } from 'vitest';
import { decodeLine } from '../../logs/decode';
import { parseLogLine } from '../../logs/parsers/index';
import { StreamFramer, type Frame } from '../../logs/receiver/stream-framer';
import { fuzz } from './mutator';

/** "用户登录失败" (user login failed), GBK-encoded. */
const GBK_LOGIN_FAILED = Buffer.from([
  0xd3, 0xc3, 0xbb, 0xa7, 0xb5, 0xc7, 0xc2, 0xbc, 0xca, 0xa7, 0xb0, 0xdc,
]);

const LINES: Buffer[] = [
  '<188>Dec  6 2026 10:00:00+08:00 ny-fw %%01SSH/4/SSH_FAIL(l)[0]:Failed to login through SSH. (Ip=203.0.113.9, VpnInstanceName=, UserName=admin, Times=1, FailedReason=Password authentication failed)',
  '<189>Dec  6 2026 10:00:05 ny-core %%01SHELL/5/CMDRECORD(s)[1]:Recorded command information. (Task=VT0, Ip=10.1.2.3, VpnName=, User=ops, AuthenticationMethod="Local-user", Command="display current-configuration", Result=Success)',
  '<190>Dec  6 10:00:07 2026 xichuan-sw %%10SHELL/6/SHELL_LOGIN: admin logged in from 10.0.0.7.',
  '<189>152: *Dec  6 10:00:09.123: %SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: root] [Source: 198.51.100.4] [localport: 22] [Reason: Login Authentication Failed] at 10:00:09 CST Sun Dec 6 2026',
  '<164>Dec 06 2026 10:00:11: %ASA-4-106023: Deny tcp src outside:198.51.100.7/51234 dst inside:10.2.0.5/445 by access-group "outside_in"',
  '<86>1 2026-12-06T10:00:13.000+08:00 noc-1 sshd 4242 - - Failed password for invalid user guest from 192.0.2.55 port 50022 ssh2',
  '<38>Dec  6 10:00:15 noc-1 sudo: ops : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/bin/systemctl restart nginx',
  'no pri at all, just text %% with (parentheses and = signs',
].map((line) => Buffer.from(line, 'utf8'));
const GBK_LINE = Buffer.concat([
  Buffer.from('<188>Dec  6 2026 10:00:00 ny-fw %%01SSH/4/LOGIN_FAIL(l):'),
  GBK_LOGIN_FAILED,
]);
/** What regular expressions in parsers chew on: long runs of '%', '(', '=', ':' and spaces. */
const LONG_RUNS = ['%', '(', '=', ': ', ' ', '[', '<1'].map((run) => Buffer.from(`<13>${run.repeat(4000)}`));

describe('fuzz: syslog lines', () => {
  it('every line decodes and parses to a reading, never an exception', async () => {
    const seeds = [...LINES, GBK_LINE, ...LONG_RUNS];
    const ran = await fuzz(
      seeds,
      { seed: 0x5150, count: 20_000, budgetMs: 5000, maxRandomBytes: 2048 },
      (bytes) => {
        const decoded = decodeLine(bytes);
        const parsed = parseLogLine(decoded.text, 1_796_000_000_000);
        expect(parsed.level === null || (parsed.level >= 0 && parsed.level <= 7)).toBe(true);
      },
    );
    expect(ran).toBeGreaterThan(0);
  });
});

describe('fuzz: TCP stream framing', () => {
  it('cuts any byte stream, pushed in any chunks, into frames no larger than the bound', async () => {
    const streams = [
      Buffer.concat(LINES.map((line) => Buffer.concat([Buffer.from(`${line.length} `), line]))),
      Buffer.concat(LINES.map((line) => Buffer.concat([line, Buffer.from('\n')]))),
    ];
    const maxFrameBytes = 256;
    await fuzz(streams, { seed: 0x5151, count: 5000, budgetMs: 4000, maxRandomBytes: 4096 }, (bytes) => {
      const frames: Frame[] = [];
      const framer = new StreamFramer(maxFrameBytes, (frame) => frames.push(frame));
      // Chunk boundaries from the input's own bytes: deterministic, and anywhere.
      for (let at = 0; at < bytes.length;) {
        const size = 1 + ((bytes[at] ?? 0) % 97);
        framer.push(bytes.subarray(at, at + size));
        at += size;
      }
      framer.end();
      for (const frame of frames) expect(frame.bytes.length).toBeLessThanOrEqual(maxFrameBytes);
    });
  });
});
