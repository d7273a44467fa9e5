/** An inventory of one county router on 127.0.0.1, for tests of `egov-noc collect` that need no network. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ONE_NODE_INVENTORY = [
  'network: { id: test, name: 测试网, domain: test.gov.cn }',
  'credentials:',
  '  v2: { version: 2c, community: test-ro }',
  'polling: { defaultIntervalS: 300 }',
  'nodes:',
  '  - { id: xichuan-gw, name: 淅川县政府内网路由器, tier: county, zone: internal, role: router, vendor: huawei, model: AR6280, address: 127.0.0.1, credentials: v2, location: 淅川县网络中心 }',
  '',
].join('\n');

/** Writes it as `dir`/inventory.yaml and returns the path. */
export function writeOneNodeInventory(dir: string): string {
  const file = join(dir, 'inventory.yaml');
  writeFileSync(file, ONE_NODE_INVENTORY);
  return file;
}
