import { afterEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from './support';
import { after, alertsOf, logLine, rulesWith } from './security-support';

let h: Harness;
afterEach(() => h.cleanup());

const RULE = 'login-outside-management';
const login = (h: Harness, node: string, sourceAddress: string | null, user = 'admin') =>
  logLine(h, node, 'auth-success', { user, sourceAddress, messageId: 'SSH/5/SSH_USER_LOGIN' });

describe('login-outside-management: a successful login from outside the management subnets', () => {
  it('alerts (major) on a login from outside 10.0.0.0/8 and not on one from inside it', async () => {
    h = await harness();
    login(h, 'nanzhao-gw', '10.41.0.50');
    login(h, 'nanzhao-gw', '::ffff:10.41.0.50');
    expect(alertsOf(h, RULE)).toEqual([]);
    login(h, 'nanzhao-gw', '203.0.113.9', 'zhangsan');
    expect(alertsOf(h, RULE)).toMatchObject([
      {
        node: 'nanzhao-gw',
        severity: 'major',
        labels: { source: '203.0.113.9' },
        params: { source: '203.0.113.9', users: 'zhangsan' },
        summary: '南召县政府内网路由器 有来自管理网段以外 203.0.113.9 的登录（用户 zhangsan）',
      },
    ]);
  });

  it('one alert per node and source; more logins from there update it', async () => {
    h = await harness();
    login(h, 'nanzhao-gw', '203.0.113.9', 'zhangsan');
    after(h, 20_000);
    login(h, 'nanzhao-gw', '203.0.113.9', 'lisi');
    login(h, 'nanzhao-gw', '198.51.100.1', 'wangwu');
    login(h, 'fangcheng-gw', '203.0.113.9', 'zhangsan');
    const alerts = alertsOf(h, RULE);
    expect(alerts).toHaveLength(3);
    const repeated = alerts.find((a) => a.node === 'nanzhao-gw' && a.labels.source === '203.0.113.9');
    expect(repeated?.params.users).toBe('zhangsan, lisi');
  });

  it('does not judge lines without a source address, failed logins, or a source that is not an address', async () => {
    h = await harness();
    login(h, 'nanzhao-gw', null);
    login(h, 'nanzhao-gw', 'attacker.example');
    logLine(h, 'nanzhao-gw', 'auth-failure', { user: 'admin', sourceAddress: '203.0.113.9' });
    expect(alertsOf(h, RULE)).toEqual([]);
  });

  it('uses the subnets of the rules file, IPv6 included', async () => {
    h = await harness({
      rules: rulesWith(`  - id: login-outside-management
    kind: login-outside-management
    severity: critical
    managementSubnets: [10.41.0.0/24, 'fd00:41::/32']`),
    });
    login(h, 'nanzhao-gw', '10.41.0.8');
    login(h, 'nanzhao-gw', 'fd00:41::8');
    expect(alertsOf(h, RULE)).toEqual([]);
    login(h, 'nanzhao-gw', '10.41.3.20');
    login(h, 'fangcheng-gw', '2001:db8::1');
    expect(alertsOf(h, RULE).map((a) => [a.node, a.labels.source, a.severity])).toEqual(
      expect.arrayContaining([
        ['nanzhao-gw', '10.41.3.20', 'critical'],
        ['fangcheng-gw', '2001:db8::1', 'critical'],
      ]),
    );
  });

  it('resolves after an hour without another such login', async () => {
    h = await harness();
    login(h, 'nanzhao-gw', '203.0.113.9');
    after(h, 59 * 60_000);
    expect(alertsOf(h, RULE)).toHaveLength(1);
    after(h, 60_000);
    expect(alertsOf(h, RULE)).toEqual([]);
  });
});
