/**
 * The console's state, language and safeguards in a real browser against the real demo stack
 * (Nanyang, simulated SNMP): a cut county uplink shows its router unreachable as soon as the alert
 * fires and normal again after repair; an alert pulses its node on the map and names the nodes cut
 * off; a degraded video link is one incident; English pages carry no Chinese outside the network's
 * own names and zh-CN pages no English fragments; the certificate page's safeguards.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../demo/stack';
import { ensureWebBuilt, launchChromium, newSession, screenshot, signIn } from './support/browser';

const PASSWORD = 'e2e-state-passphrase-42';
const INVENTORY = 'configs/examples/nanyang.yaml';
/** Chinese in the inventory is the network's own data: node names, locations, links, meetings, CAs. */
const INVENTORY_TEXT = readFileSync(INVENTORY, 'utf8');
const CJK_RUN = /[\u3400-\u9fff]+/g;
/** The language switch names the other language in that language, as language pickers do. */
const LANGUAGE_NAMES = ['中文'];
/** What the zh-CN console showed before: the engine's English reasons, raw metric keys, ISO UTC times. */
const ENGLISH_FRAGMENTS =
  /no answer|timeout|\b(video|interface|node)\.[a-zA-Z]+ *=|\d{4}-\d\d-\d\dT\d\d:\d\d/;

let stack: Stack;
let browser: Browser;
let stateDir: string;
let uplinkCut: string | null = null;
let videoDegraded: string | null = null;
let nearExpirySerial = '';

beforeAll(async () => {
  ensureWebBuilt();
  stateDir = mkdtempSync(join(tmpdir(), 'console-state-e2e-'));
  stack = await startStack({
    inventoryPath: INVENTORY,
    stateDir,
    pollIntervalS: 2,
    scenario: false,
    log: pino({ level: 'silent' }),
  });
  const add = async (username: string, role: string, scope: string | null) => {
    const created = await stack.console.users.create(
      { username, displayName: username, role: role as 'operator', scope, password: PASSWORD },
      { actor: 'e2e', from: 'local' },
    );
    if (!created.ok) throw new Error(`create ${username}: ${created.message}`);
  };
  await add('state-duty', 'operator', null);
  await add('state-pki', 'pki-admin', null);
  // A video link in another county degrades now: its MOS, loss and jitter alerts open after their
  // one-minute `for` while the other tests run.
  const video = stack.simulator.inject({
    kind: 'video-degraded',
    videoLink: 'vc-ny-nanzhao',
    lossPct: 6,
    jitterMs: 90,
  });
  if (!video.ok) throw new Error(video.reason);
  videoDegraded = video.id;
  const cut = stack.simulator.inject({ kind: 'link-down', a: 'ny-core', b: 'xichuan-gw' });
  if (!cut.ok) throw new Error(cut.reason);
  uplinkCut = cut.id;
  const nearExpiry = stack.pki.service.issueWithGeneratedKey({
    nodeId: 'nanzhao-gw',
    profile: 'router',
    validityDays: 5,
    actor: 'e2e',
  });
  if (!nearExpiry.ok) throw new Error(nearExpiry.reason);
  nearExpirySerial = nearExpiry.value.record.serial;
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  if (uplinkCut !== null) stack?.simulator.clear(uplinkCut);
  if (videoDegraded !== null) stack?.simulator.clear(videoDegraded);
  await browser?.close();
  await stack?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

/** The root-cause alert row of the cut uplink, once it has arrived over the stream. */
async function rootCauseRow(page: Page) {
  const row = page.locator('[data-testid=alert-row]:has([data-testid=impacted-list])').first();
  await row.waitFor({ timeout: 40_000 });
  return row;
}

async function pageText(page: Page): Promise<string> {
  return page.evaluate(() => document.body.innerText);
}

describe('state, alerts ↔ map, language', () => {
  it('the cut uplink: its router unreachable as soon as the alert is there, its node pulsing on hover, the cut-off nodes named', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'state-duty', PASSWORD);
    const row = await rootCauseRow(page);
    expect(await row.innerText()).toContain('淅川县');

    // Hovering the alert pulses its node on the map (the canvas says which node it highlights).
    const canvas = page.locator('[data-testid=topology] canvas').first();
    await row.hover();
    await expect.poll(() => canvas.getAttribute('data-alert-focus'), { timeout: 5_000 }).toBe('xichuan-gw');
    await screenshot(page, 'alert-hover-pulse');
    await page.mouse.move(5, 5);
    await expect.poll(() => canvas.getAttribute('data-alert-focus')).toBe('');

    // The impacted list names the nodes behind the cut.
    const impacted = row.locator('[data-testid=impacted-list]');
    await impacted.locator('summary').click();
    const names = await impacted.locator('li').allInnerTexts();
    const behind = stack.topology
      .descendants('xichuan-gw' as never)
      .map((id) => stack.topology.node(id).name);
    expect(names.length).toBe(behind.length);
    expect(behind).toContain(names[0]);

    // Choosing the alert opens the map on its node.
    await row.locator('[data-testid=show-on-map]').click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/topology/xichuan-gw');
    // The map draws the node's county as a tree around it.
    const map = page.locator('[data-testid=topology]');
    await expect.poll(() => map.getAttribute('data-shape'), { timeout: 10_000 }).toBe('tree');
    expect(await map.getAttribute('data-tree-root')).not.toBe('');

    // The root cause reads unreachable now, not after the collector has missed three polls.
    await page.goto(`${stack.url}/#/node/xichuan-gw`);
    await expect
      .poll(() => page.locator('[data-testid=node-reach]').getAttribute('data-reach'), { timeout: 5_000 })
      .toBe('unreachable');
    await screenshot(page, 'node-root-cause-unreachable');
    await context.close();
  });

  it('English pages show no Chinese outside the network’s own names; zh-CN pages no English fragments', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'state-duty', PASSWORD);
    await rootCauseRow(page);
    const pages: Array<[string, string]> = [
      ['#/topology', '[data-testid=topology][data-ready=true]'],
      ['#/alerts', '[data-testid=alert-list] [data-testid=alert-row]'],
      ['#/video', '[data-testid=video-links]'],
      ['#/node/xichuan-gw', '[data-testid=node-reach]'],
      ['#/overview', '[data-testid=overview]'],
      ['#/devices', '[data-testid=device-row]'],
      ['#/security', '[data-testid=security-page]'],
      ['#/assets', '[data-testid=asset-row]'],
      ['#/reports', '[data-testid=reports-page][data-ready=true]'],
    ];
    for (const [hash, ready] of pages) {
      await page.goto(`${stack.url}/${hash}`);
      await page.waitForSelector(ready);
      expect(await pageText(page), `zh-CN ${hash}`).not.toMatch(ENGLISH_FRAGMENTS);
    }
    await page.click('[data-testid=lang]');
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('en');
    for (const [hash, ready] of pages) {
      await page.goto(`${stack.url}/${hash}`);
      await page.waitForSelector(ready);
      const foreign = (await pageText(page)).match(CJK_RUN) ?? [];
      expect(
        foreign.filter((run) => !INVENTORY_TEXT.includes(run) && !LANGUAGE_NAMES.includes(run)),
        `English ${hash}`,
      ).toEqual([]);
    }
    await page.goto(`${stack.url}/#/alerts`);
    await page.waitForSelector('[data-testid=alert-list] [data-testid=evidence]');
    await screenshot(page, 'alerts-en');
    await context.close();
  });

  it('a degraded video link is one incident naming the link and what is wrong with it', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'state-duty', PASSWORD);
    await page.goto(`${stack.url}/#/alerts`);
    const incident = page.locator('[data-testid=incident]').first();
    await incident.waitFor({ timeout: 150_000 });
    expect(await incident.innerText()).toContain('南阳市—南召县视频会议链路');
    expect(Number(await incident.getAttribute('data-members'))).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'alerts-video-incident');
    await context.close();
  }, 180_000);

  it('a port an operator shut reads admin down, not down', async () => {
    // The simulator shuts every third unused port of routers, switches and firewalls.
    const shut = stack.topology.nodes
      .filter(
        (node) => ['router', 'switch', 'firewall'].includes(node.role) && !node.id.startsWith('xichuan'),
      )
      .flatMap((node) =>
        node.interfaces
          .filter(
            (iface, position) => position % 3 === 2 && stack.topology.linkAt(node.id, iface.name) === null,
          )
          .map((iface) => ({ node: node.id, ifName: iface.name })),
      )[0];
    if (shut === undefined) throw new Error('the inventory has no unused port the simulator shuts');
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'state-duty', PASSWORD);
    await page.goto(`${stack.url}/#/node/${shut.node}`);
    const state = page.locator(
      `[data-testid=interface-row][data-if="${shut.ifName}"] [data-testid=if-state]`,
    );
    await expect.poll(() => state.innerText(), { timeout: 20_000 }).toBe('管理关闭');
    await context.close();
  });

  it('after the repair the root cause and the nodes behind it return to normal', async () => {
    if (uplinkCut !== null) stack.simulator.clear(uplinkCut);
    uplinkCut = null;
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'state-duty', PASSWORD);
    await page.goto(`${stack.url}/#/node/xichuan-sw`);
    await expect
      .poll(() => page.locator('[data-testid=node-reach]').getAttribute('data-reach'), { timeout: 60_000 })
      .toBe('reachable');
    await page.goto(`${stack.url}/#/node/xichuan-gw`);
    await expect
      .poll(() => page.locator('[data-testid=node-reach]').getAttribute('data-reach'), { timeout: 60_000 })
      .toBe('reachable');
    await context.close();
  }, 150_000);
});

describe('certificate page safeguards', () => {
  it('no default revocation reason, a typed confirmation, renew near expiry, CA certificates, nodes without one', async () => {
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, 'state-pki', PASSWORD);
    await page.goto(`${stack.url}/#/certificates`);
    await page.waitForSelector('[data-testid=cert-row]');

    // The CA's own certificates are shown with their expiry, without a revoke button.
    const caRows = page.locator('[data-testid=ca-row]');
    await expect.poll(() => caRows.count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('[data-testid=ca-certificates] [data-testid=revoke]').count()).toBe(0);
    expect(await page.locator('[data-testid=nodes-without-certificate] li').count()).toBeGreaterThan(0);

    // Revoking asks for a reason (none chosen) and the serial's end before it can go.
    const row = page.locator(`[data-testid=cert-row][data-serial="${nearExpirySerial}"]`);
    await row.locator('[data-testid=revoke]').click();
    const confirm = page.locator('[data-testid=revoke-confirm]');
    expect(await confirm.locator('[data-testid=revoke-reason]').inputValue()).toBe('');
    const submit = confirm.locator('[data-testid=revoke-submit]');
    expect(await submit.isDisabled()).toBe(true);
    await confirm.locator('[data-testid=revoke-reason]').selectOption('superseded');
    await confirm.locator('[data-testid=revoke-typed]').fill('000000');
    expect(await submit.isDisabled()).toBe(true);
    await confirm.locator('[data-testid=revoke-typed]').fill(nearExpirySerial.slice(-6));
    expect(await submit.isDisabled()).toBe(false);
    await screenshot(page, 'certificates-revoke-confirm');
    await confirm.locator('button:not(.danger)').click();

    // Five days from expiry: renew, and a new certificate for the same node is issued.
    await row.locator('[data-testid=renew]').click();
    const issued = page.locator('[data-testid=issued]');
    await issued.waitFor({ timeout: 15_000 });
    expect(await issued.innerText()).not.toContain(nearExpirySerial);
    const renewed = stack.pki.service
      .listCertificates({ nodeId: 'nanzhao-gw', status: 'valid' })
      .filter((record) => record.serial !== nearExpirySerial && record.profile === 'router');
    expect(renewed.length).toBeGreaterThanOrEqual(1);
    await screenshot(page, 'certificates-safeguards');
    await page.click('[data-testid=lang]');
    await page.waitForSelector('[data-testid=ca-certificates] h2:has-text("CA certificates")');
    const foreign = (await pageText(page)).match(CJK_RUN) ?? [];
    expect(foreign.filter((run) => !INVENTORY_TEXT.includes(run) && !LANGUAGE_NAMES.includes(run))).toEqual(
      [],
    );
    await screenshot(page, 'certificates-safeguards-en');
    await context.close();
  }, 120_000);
});
