/**
 * The Assets page's list of devices seen but not in the inventory (未纳管设备) in Chromium: an LLDP
 * neighbour of a Nanzhao switch, a trap sender and a syslog sender, each with first/last seen (as
 * ages), count and how it was seen; the proposed inventory entry (discovery's, guesses marked) is
 * shown and copied; an operator dismisses one (audited); a county operator sees only what its own
 * nodes saw. zh-CN and English; screenshots assets-unmanaged-zh.png and -en.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proposeEntry, type Sighting } from '../../collector';
import { DEFAULT_WEB_DIST } from '../../console/server';
import { asNodeId } from '../../domain';
import { addUser, login, PASSWORD, startStack, type Stack } from '../console/server/support';
import { ensureWebBuilt, launchChromium, newSession, screenshot, signIn } from './support/browser';

let stack: Stack;
let browser: Browser;

const SIGHTINGS: Sighting[] = [
  {
    source: 'lldp',
    address: '10.41.3.77',
    name: 'rogue-sw.nanzhao.example',
    chassisId: 'aa:bb:cc:00:03:77',
    seenBy: { node: asNodeId('nanzhao-sw'), ifName: 'GigabitEthernet1/0/9', remotePort: 'GE0/0/1' },
  },
  { source: 'trap', address: '127.0.0.77', name: null, chassisId: null, seenBy: null },
  { source: 'syslog', address: '127.0.0.78', name: 'printer-3f', chassisId: null, seenBy: null },
];

function publish(sighting: Sighting, agoMs: number, count: number): void {
  const nowMs = Date.now();
  stack.bus.publish({
    type: 'unmanaged.sighting',
    timeMs: nowMs,
    ...sighting,
    count,
    firstSeenMs: nowMs - agoMs,
    lastSeenMs: nowMs - 60_000,
    proposal: proposeEntry(stack.topology.inventory, sighting),
  });
}

const rows = (page: Page) => page.locator('[data-testid=unmanaged-row]');
const rowAt = (page: Page, address: string) =>
  page.locator(`[data-testid=unmanaged-row][data-address="${address}"]`);

async function openAssets(page: Page): Promise<void> {
  await page.click('header nav a[href="#/assets"]');
  await page.waitForSelector('[data-testid=unmanaged]');
}

beforeAll(async () => {
  ensureWebBuilt();
  stack = await startStack({ webDist: DEFAULT_WEB_DIST });
  await addUser(stack, 'op', 'operator', null);
  await addUser(stack, 'nz-op', 'operator', 'nanzhao-gw');
  await addUser(stack, 'aud', 'auditadmin', null);
  SIGHTINGS.forEach((sighting, i) => publish(sighting, (i + 2) * 3600_000, 3 + i));
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('未纳管设备 on the Assets page', () => {
  it('lists the devices seen, shows and copies the proposal, dismisses one; zh-CN and English', async () => {
    const { context, page } = await newSession(browser);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.server.url });
    await signIn(page, stack.server.url, 'op', PASSWORD);
    await openAssets(page);
    await expect.poll(() => rows(page).count()).toBe(3);
    await page.locator('[data-testid=unmanaged] h2', { hasText: '未纳管设备' }).waitFor();
    const lldp = rowAt(page, '10.41.3.77');
    expect(await lldp.locator('[data-testid=unmanaged-seen-as]').innerText()).toBe(
      'LLDP：南召县网络中心核心交换机 端口 GigabitEthernet1/0/9',
    );
    expect(await lldp.innerText()).toMatch(/rogue-sw\.nanzhao\.example[\s\S]*2 小时前[\s\S]*1 分钟前\s+3/);
    expect(await rowAt(page, '127.0.0.77').locator('[data-testid=unmanaged-seen-as]').innerText()).toBe(
      'Trap（未知发送方）',
    );
    expect(await page.locator('[data-testid=unmanaged-age]').innerText()).toContain('列表更新于');

    await lldp.locator('[data-testid=unmanaged-propose]').click();
    const yaml = await page.locator('[data-testid=unmanaged-proposal-yaml]').innerText();
    expect(yaml).toContain('id: "rogue-sw"');
    expect(yaml).toContain('parent: "nanzhao-sw"');
    expect(yaml).toContain('a: "nanzhao-sw:GigabitEthernet1/0/9"');
    expect(yaml).toMatch(/# guessed: tier, zone, name, role, credentials/);
    await page.click('[data-testid=unmanaged-copy]');
    await page.locator('[data-testid=unmanaged-copy]', { hasText: '已复制' }).waitFor();
    expect((await page.evaluate(() => navigator.clipboard.readText())).trim()).toBe(yaml.trim());
    await page.locator('[data-testid=unmanaged]').scrollIntoViewIfNeeded();
    await screenshot(page, 'assets-unmanaged-zh');

    await page.click('[data-testid=lang]');
    await page.locator('[data-testid=unmanaged] h2', { hasText: 'Seen but not in the inventory' }).waitFor();
    expect(await rowAt(page, '127.0.0.78').locator('[data-testid=unmanaged-seen-as]').innerText()).toBe(
      'Syslog (unknown sender)',
    );
    expect(await lldp.innerText()).toMatch(/2 h ago/);
    await page.locator('[data-testid=unmanaged-proposal]', { hasText: 'Proposed inventory entry' }).waitFor();
    await page.locator('[data-testid=unmanaged]').scrollIntoViewIfNeeded();
    await screenshot(page, 'assets-unmanaged-en');

    await rowAt(page, '127.0.0.77').locator('[data-testid=unmanaged-dismiss]').click();
    await page.click('[data-testid=unmanaged-dismiss-yes]');
    await expect.poll(() => rows(page).count()).toBe(2);
    await page.reload();
    await page.waitForSelector('[data-testid=unmanaged]');
    await expect.poll(() => rows(page).count()).toBe(2);
    expect(await rowAt(page, '127.0.0.77').count()).toBe(0);

    const auditor = await login(stack.server.url, 'aud');
    const audit = (await (await auditor.api('/api/audit?action=unmanaged.dismiss')).json()) as {
      records: Array<{ actor: string; detail: string }>;
    };
    expect(audit.records).toEqual([expect.objectContaining({ actor: 'op', detail: 'trap 127.0.0.77' })]);
    await context.close();
  }, 120_000);

  it('a county operator sees only what its own nodes saw', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.server.url, 'nz-op', PASSWORD);
    await openAssets(page);
    await expect.poll(() => rows(page).count()).toBe(1);
    expect(await rowAt(page, '10.41.3.77').count()).toBe(1);
    await context.close();
  }, 60_000);
});
