/** A throwaway CA for tests: made fresh in a temp dir, never checked in. */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { directoryFromNodes, initCa, openCa } from '../../pki/index';
import type { PkiInitConfig, PkiService } from '../../pki/index';
import type { KeyType } from '../../pki/keys';

export const PASSPHRASE = 'test-passphrase-not-secret';

export const NODES = [
  {
    id: 'gd-province',
    name: '广东省政务外网',
    address: '10.0.0.1',
    dnsNames: ['core.gd.gov.cn'],
    parent: null,
  },
  {
    id: 'zq-center',
    name: '肇庆市网管中心',
    address: '10.44.0.1',
    dnsNames: ['center.zhaoqing.gov.cn'],
    parent: 'gd-province',
  },
  {
    id: 'zq-core',
    name: '肇庆核心路由器',
    address: '10.44.0.2',
    dnsNames: ['core.zhaoqing.gov.cn', 'rtr1.zhaoqing.gov.cn'],
    parent: 'zq-center',
  },
  {
    id: 'zq-sihui-gw',
    name: '四会市政务网关',
    address: '10.44.12.1',
    dnsNames: ['gw.sihui.zhaoqing.gov.cn'],
    parent: 'zq-core',
  },
  {
    id: 'zq-sihui-mcu',
    name: '四会市视频MCU',
    address: '10.44.12.9',
    dnsNames: ['mcu.sihui.zhaoqing.gov.cn'],
    parent: 'zq-sihui-gw',
  },
  // Misconfigured in the inventory: its name and address lie outside the Zhaoqing branch's constraints.
  {
    id: 'zq-rogue',
    name: '配置错误的节点',
    address: '192.168.9.9',
    dnsNames: ['rogue.example.com'],
    parent: 'zq-core',
  },
  {
    id: 'ny-core',
    name: '南阳核心',
    address: '10.37.0.2',
    dnsNames: ['core.nanyang.gov.cn'],
    parent: 'gd-province',
  },
  { id: 'orphan', name: '无分中心节点', address: '10.99.0.1', dnsNames: ['orphan.gd.gov.cn'], parent: null },
];

export function pkiConfig(baseUrl: string): PkiInitConfig {
  return {
    root: {
      commonName: 'Guangdong E-Government Root CA',
      organization: '广东省政务服务数据管理局',
      country: 'CN',
      validityYears: 20,
    },
    branches: [
      {
        id: 'zhaoqing',
        name: '肇庆分中心',
        commonName: 'Zhaoqing Branch CA',
        domains: ['zhaoqing.gov.cn'],
        subnets: ['10.44.0.0/16'],
        subtrees: ['zq-center'],
        validityYears: 10,
      },
      {
        id: 'nanyang',
        name: '南阳分中心',
        commonName: 'Nanyang Branch CA',
        domains: ['nanyang.gov.cn'],
        subnets: ['10.37.0.0/16'],
        subtrees: ['ny-core'],
        validityYears: 10,
      },
    ],
    publicBaseUrl: baseUrl,
  };
}

export interface TestCa {
  dir: string;
  service: PkiService;
  cleanup(): void;
}

export function makeTestCa(options: { baseUrl?: string; keyType?: KeyType; now?: () => Date } = {}): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'egov-pki-'));
  const made = initCa(dir, {
    pki: pkiConfig(options.baseUrl ?? 'http://127.0.0.1:9/pki'),
    passphrase: PASSPHRASE,
    keyType: options.keyType ?? 'p256',
    actor: 'test:init',
  });
  if (!made.ok) throw new Error(made.reason);
  const opened = openCa(dir, PASSPHRASE, {
    nodes: directoryFromNodes(NODES),
    ...(options.now ? { now: options.now } : {}),
  });
  if (!opened.ok) throw new Error(opened.reason);
  return {
    dir,
    service: opened.value,
    cleanup() {
      opened.value.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs openssl; returns status and combined output (never throws). */
export function openssl(args: string[], input?: string): { status: number; out: string } {
  const result = spawnSync('openssl', args, { encoding: 'utf8', input });
  return { status: result.status ?? -1, out: `${result.stdout}${result.stderr}` };
}

export function opensslOk(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function writeTemp(dir: string, name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Async openssl: needed when the server openssl talks to runs in this same process. */
export function opensslAsync(args: string[]): Promise<{ status: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, out });
    });
  });
}
