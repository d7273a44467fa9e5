/**
 * The console's certificate API with a 国密 CA: an SM2 key is generated and issued (201); a CSR whose
 * SM2 key is signed ECDSA-style, or an RSA/ECDSA key under the SM2 CA, is a 422 (the console's status for a refused request) with the reason.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign as nodeSign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bitString, children, fromPemAll, readWhole, sequence, toPem } from '../../pki/der';
import { createCsr, directoryFromTopology, generateKey, initCa, openCa } from '../../pki/index';
import type { PkiService } from '../../pki/index';
import { createPkiHttpApp } from '../../pki/http';
import { addUser, loadNanyang, login, startStack, type Client, type Stack } from '../console/server/support';

const PASSPHRASE = 'sm2-console-passphrase';
const ECDSA_WITH_SHA256 = Buffer.from('06082a8648ce3d040302', 'hex');
let dir: string;
let ca: PkiService;
let stack: Stack;
let pkiAdmin: Client;

function sm2CsrSignedEcdsaStyle(): string {
  const key = generateKey('sm2');
  const csr = createCsr({
    key: key.privateKey,
    publicKey: key.publicKey,
    subject: [{ type: 'CN', value: 'gw.xichuan.nanyang.gov.cn' }],
  });
  const [info] = children(readWhole(fromPemAll(csr, 'CERTIFICATE REQUEST')[0]!));
  const forged = sequence(
    info!.raw,
    sequence(ECDSA_WITH_SHA256),
    bitString(nodeSign('sha256', info!.raw, key.privateKey)),
  );
  return toPem('CERTIFICATE REQUEST', forged);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'egov-sm2-console-'));
  const topology = loadNanyang();
  const pki = topology.inventory.pki!;
  const made = initCa(join(dir, 'ca'), {
    pki: { ...pki, branches: pki.branches.map((b) => ({ ...b, subtrees: [...b.subtrees] })) },
    passphrase: PASSPHRASE,
    keyType: 'sm2',
    actor: 'test:init',
  });
  if (!made.ok) throw new Error(made.reason);
  const opened = openCa(join(dir, 'ca'), PASSPHRASE, { nodes: directoryFromTopology(topology) });
  if (!opened.ok) throw new Error(opened.reason);
  ca = opened.value;
  stack = await startStack({ pki: ca, pkiHttp: createPkiHttpApp(ca) });
  await addUser(stack, 'pkiadm', 'pki-admin', null);
  pkiAdmin = await login(stack.server.url, 'pkiadm');
});
afterAll(async () => {
  await stack.stop();
  ca.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('POST /api/certificates under an SM2 CA', () => {
  it('generates an SM2 key and issues (201)', async () => {
    const response = await pkiAdmin.api('/api/certificates', {
      method: 'POST',
      body: { node: 'xichuan-gw', profile: 'router', generate: { keyType: 'sm2' } },
    });
    expect(response.status).toBe(201);
    expect(await response.text()).toMatch(/BEGIN PRIVATE KEY/);
  });

  it('refuses a CSR whose SM2 key signed ECDSA-style with a 422 naming the reason', async () => {
    const response = await pkiAdmin.api('/api/certificates', {
      method: 'POST',
      body: { node: 'xichuan-gw', profile: 'router', csrPem: sm2CsrSignedEcdsaStyle() },
    });
    expect(response.status).toBe(422);
    expect(await response.text()).toMatch(/SM2-with-SM3.*ECDSA on the SM2 curve is not an SM2 signature/);
  });

  it('refuses a P-256 key (mixed hierarchy) with a 422 naming the rule', async () => {
    const response = await pkiAdmin.api('/api/certificates', {
      method: 'POST',
      body: { node: 'xichuan-gw', profile: 'router', generate: { keyType: 'ecdsa-p256' } },
    });
    expect(response.status).toBe(422);
    expect(await response.text()).toMatch(/SM2 \(国密\) hierarchy and issues only to an SM2 key/);
  });
});

describe('GET /api/certificates/authorities under an SM2 CA', () => {
  it('reports the SM2 key suite for the root and every branch, so the issue form can default to SM2', async () => {
    const response = await pkiAdmin.api('/api/certificates/authorities');
    expect(response.status).toBe(200);
    const { authorities } = (await response.json()) as {
      authorities: Array<{ kind: string; keySuite?: string }>;
    };
    const ownAuthorities = authorities.filter((a) => a.kind === 'root' || a.kind === 'branch');
    expect(ownAuthorities.length).toBeGreaterThan(1);
    expect(ownAuthorities.map((a) => a.keySuite)).toEqual(ownAuthorities.map(() => 'sm2'));
  });
});
