/**
 * egov-noc ca …: the certificate authority for a runbook. Passphrase from EGOV_CA_PASSPHRASE or
 * --passphrase-file; exit 0 on success, non-zero with a one-line reason on stderr.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { CertificateRecord, GeneratedCertificate, KeyType, PkiService } from '../../pki/index';
import { KEY_TYPES, isKeyType } from '../../pki/key-types/names';
import { PROFILE_NAMES } from '../../pki/profiles/index';
import { REVOCATION_REASONS } from '../../pki/revocation-reasons';
import { readEnvironment } from '../environment';
import { fail } from '../fail';

/** Loaded on use: only the subcommand that runs pays for the CA (and, for `ca serve`, hono). */
const loadPki = () => import('../../pki/index');
const loadPrivateFiles = () => import('../../common/index');

interface CommonOptions {
  dir: string;
  passphraseFile?: string;
  inventory?: string;
  actor?: string;
}

const defaultActor = () => `cli:${userInfo().username}`;

function readPassphrase(options: CommonOptions): string {
  if (options.passphraseFile) {
    if (!existsSync(options.passphraseFile)) fail(`passphrase file ${options.passphraseFile} not found`);
    const text = readFileSync(options.passphraseFile, 'utf8').replace(/\r?\n$/, '');
    if (!text) fail(`passphrase file ${options.passphraseFile} is empty`);
    return text;
  }
  const fromEnv = readEnvironment().caPassphrase;
  if (fromEnv) return fromEnv;
  return fail('no CA passphrase: set EGOV_CA_PASSPHRASE or pass --passphrase-file FILE');
}

async function loadNodes(path: string) {
  const { formatInventoryError, loadInventory } = await import('../../inventory');
  const loaded = loadInventory(path);
  if (!loaded.ok) {
    for (const error of loaded.errors) process.stderr.write(`${formatInventoryError(error)}\n`);
    fail(`inventory ${path} has ${loaded.errors.length} error(s)`);
  }
  return loaded;
}

/** Unlocks the CA; the inventory (for node names) is loaded when the command issues certificates. */
async function open(options: CommonOptions, needNodes: boolean): Promise<PkiService> {
  const { directoryFromTopology, openCa } = await loadPki();
  if (!existsSync(resolve(options.dir, 'ca.json')))
    fail(`${options.dir} holds no CA; run "egov-noc ca init --dir ${options.dir} --inventory FILE" first`);
  const passphrase = readPassphrase(options);
  const opened = openCa(options.dir, passphrase);
  if (!opened.ok) return fail(opened.reason);
  const service = opened.value;
  if (needNodes) {
    const path = options.inventory ?? service.inventoryPath;
    if (!path) fail('this CA records no inventory; pass --inventory FILE');
    service.setNodes(directoryFromTopology((await loadNodes(path)).topology));
  }
  return service;
}

function withCommon(command: Command): Command {
  return command
    .requiredOption('--dir <dir>', 'CA directory (keys, certificates, index, CRLs, audit log)')
    .option('--passphrase-file <file>', 'file holding the CA passphrase (default: $EGOV_CA_PASSPHRASE)')
    .option('--actor <name>', 'who is acting, for the audit log (default: cli:<user>)');
}

function writeOut(path: string | undefined, content: string | Buffer, mode = 0o644): void {
  if (path) writeFileSync(path, content, { mode });
  else process.stdout.write(content);
}

function readInput(path: string, what: string): string {
  if (!existsSync(path)) fail(`${what} ${path} not found`);
  return readFileSync(path, 'utf8');
}

async function p12Password(file: string | undefined): Promise<string> {
  if (file) return readInput(file, 'PKCS#12 password file').replace(/\r?\n$/, '');
  const fromEnv = readEnvironment().p12Password;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY)
    return fail(
      'no PKCS#12 password: pass --p12-password-file FILE, set EGOV_P12_PASSWORD, or run on a terminal',
    );
  const ask = async (prompt: string) => {
    process.stderr.write(prompt);
    const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
    const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
    const answer = await new Promise<string>((done) => rl.question('', done));
    rl.close();
    process.stderr.write('\n');
    return answer;
  };
  const first = await ask('PKCS#12 password: ');
  const second = await ask('again: ');
  if (first !== second) fail('the two PKCS#12 passwords differ');
  return first;
}

function keyTypeOption(value: string): KeyType {
  if (!isKeyType(value)) fail(`unknown key type "${value}" (${KEY_TYPES.join(', ')})`);
  return value;
}

function days(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`expected a whole number of days, got "${value}"`);
  return n;
}

function describe(record: CertificateRecord): string {
  const names = [...record.dnsNames, ...record.ipAddresses].join(',') || '-';
  const reason = record.status === 'revoked' ? `(${record.revocationReason ?? ''})` : '';
  return [
    record.serial,
    record.issuerId,
    record.nodeId ?? '-',
    record.profile,
    record.status + reason,
    record.notAfter.slice(0, 10),
    record.commonName,
    names,
  ].join('\t');
}

export function registerCaCommand(program: Command): void {
  const ca = program
    .command('ca')
    .description('certificate authority: root and branch CAs, issuance, revocation, CRL, OCSP, audit');

  withCommon(ca.command('init'))
    .description("create the root CA and the branch CAs the inventory's pki section names")
    .requiredOption('--inventory <file>', 'inventory YAML with a pki: section')
    .option(
      '--key-type <type>',
      `CA key type (${KEY_TYPES.join(', ')}); sm2 makes a 国密 hierarchy that issues only to SM2 keys`,
      keyTypeOption,
      'rsa2048',
    )
    .option(
      '--branch <id>',
      'offline-root workflow: create only this branch CA (its key and a request for the root)',
    )
    .option('--csr-out <file>', 'with --branch: where to write the branch CA request')
    .action(
      async (
        options: CommonOptions & { inventory: string; keyType: KeyType; branch?: string; csrOut?: string },
      ) => {
        const { initCa, requestBranch } = await loadPki();
        const { inventory } = await loadNodes(options.inventory);
        if (!inventory.pki) fail(`${options.inventory} has no pki: section (root, branches, publicBaseUrl)`);
        if (options.branch) {
          if (!options.csrOut) fail('--branch needs --csr-out FILE for the request the root will sign');
          const requested = requestBranch(options.dir, {
            pki: inventory.pki,
            branchId: options.branch,
            passphrase: readPassphrase(options),
            keyType: options.keyType,
            inventoryPath: resolve(options.inventory),
            actor: options.actor ?? defaultActor(),
          });
          if (!requested.ok) fail(requested.reason);
          writeFileSync(options.csrOut, requested.value.csrPem);
          console.log(
            `branch CA "${options.branch}" key created; take ${options.csrOut} to the root ("egov-noc ca sign-branch"), then run "egov-noc ca install-branch"`,
          );
          return;
        }
        const made = initCa(options.dir, {
          pki: inventory.pki,
          passphrase: readPassphrase(options),
          keyType: options.keyType,
          inventoryPath: resolve(options.inventory),
          actor: options.actor ?? defaultActor(),
        });
        if (!made.ok) fail(made.reason);
        for (const authority of made.value.authorities) {
          const scope =
            authority.kind === 'branch'
              ? ` domains ${authority.domains.join(',')} subnets ${authority.subnets.join(',')}`
              : '';
          console.log(
            `${authority.kind}\t${authority.id}\t${authority.commonName}\tuntil ${authority.notAfter.slice(0, 10)}${scope}`,
          );
        }
        console.log(
          `CRLs at ${made.value.authorities[0]!.crlUrl.replace(/root\.crl$/, '<id>.crl')}, OCSP at ${made.value.authorities[0]!.ocspUrl}`,
        );
      },
    );

  withCommon(ca.command('issue'))
    .description('issue a certificate to an inventory node, from a CSR or with a generated key')
    .requiredOption('--node <id>', 'inventory node id')
    .requiredOption('--profile <profile>', PROFILE_NAMES.join(' | '))
    .option('--csr <file>', 'PKCS#10 request (PEM)')
    .option('--generate', 'generate the key here (delivered once; never stored)')
    .option(
      '--key-type <type>',
      `with --generate (${KEY_TYPES.join(', ')}; default sm2 under an SM2 CA, p256 otherwise)`,
      keyTypeOption,
    )
    .option('--p12 <file>', 'with --generate: write a password-protected PKCS#12 here')
    .option('--p12-password-file <file>', 'PKCS#12 password (default: $EGOV_P12_PASSWORD or a prompt)')
    .option('--key-out <file>', 'with --generate and no --p12: write the private key (PEM, 0600) here')
    .option('--cn <name>', "subject CN (operator certificates: the person's name)")
    .option('--days <n>', 'validity in days (capped by the profile)', days)
    .option('--out <file>', 'write the certificate (PEM) here instead of standard output')
    .option('--chain', 'append the issuing chain to the certificate output')
    .option('--inventory <file>', 'inventory to take node names from (default: the one given to ca init)')
    .action(
      async (
        options: CommonOptions & {
          node: string;
          profile: string;
          csr?: string;
          generate?: boolean;
          keyType?: KeyType;
          p12?: string;
          p12PasswordFile?: string;
          keyOut?: string;
          cn?: string;
          days?: number;
          out?: string;
          chain?: boolean;
        },
      ) => {
        const { isProfileName, profileRefusal } = await loadPki();
        const { writePrivateFile } = await loadPrivateFiles();
        if (!isProfileName(options.profile)) fail(profileRefusal(options.profile));
        if (Boolean(options.csr) === Boolean(options.generate))
          fail('give exactly one of --csr FILE or --generate');
        if (options.generate && !options.p12 && !options.keyOut)
          fail('--generate needs --p12 FILE or --key-out FILE for the new key');
        const password =
          options.generate && options.p12 ? await p12Password(options.p12PasswordFile) : undefined;
        const service = await open(options, true);
        const actor = options.actor ?? defaultActor();
        const result = options.csr
          ? service.issueFromCsr({
              nodeId: options.node,
              profile: options.profile,
              csrPem: readInput(options.csr, 'CSR'),
              validityDays: options.days,
              actor,
            })
          : service.issueWithGeneratedKey({
              nodeId: options.node,
              profile: options.profile,
              ...(options.keyType ? { keyType: options.keyType } : {}),
              commonName: options.cn,
              validityDays: options.days,
              actor,
              ...(password !== undefined ? { p12Password: password } : {}),
            });
        service.close();
        if (!result.ok) fail(result.reason);
        const issued: GeneratedCertificate = result.value;
        if (issued.p12 && options.p12) writePrivateFile(options.p12, issued.p12);
        if (issued.keyPem && options.keyOut) writePrivateFile(options.keyOut, issued.keyPem);
        if (options.out || !options.p12)
          writeOut(options.out, options.chain ? issued.certPem + issued.chainPem : issued.certPem);
        process.stderr.write(
          `issued ${issued.record.serial} to ${issued.record.nodeId ?? '-'} (${issued.record.profile}) by ${issued.record.issuerId}, until ${issued.record.notAfter}\n`,
        );
      },
    );

  withCommon(ca.command('revoke'))
    .description("revoke a certificate; its issuer's CRL is re-signed at once")
    .requiredOption('--serial <hex>', 'serial number (hex)')
    .requiredOption('--reason <reason>', REVOCATION_REASONS.join(' | '))
    .action(async (options: CommonOptions & { serial: string; reason: string }) => {
      const { isRevocationReason } = await loadPki();
      if (!isRevocationReason(options.reason))
        fail(`unknown revocation reason "${options.reason}" (${REVOCATION_REASONS.join(', ')})`);
      const service = await open(options, false);
      const result = service.revoke({
        serial: options.serial,
        reason: options.reason,
        actor: options.actor ?? defaultActor(),
      });
      service.close();
      if (!result.ok) fail(result.reason);
      console.log(
        `revoked ${result.value.serial} (${result.value.revocationReason ?? ''}) at ${result.value.revokedAt ?? ''}`,
      );
    });

  withCommon(ca.command('crl'))
    .description('write the current CRL of an issuer (re-signed first when past half its lifetime)')
    .option('--issuer <id>', 'issuing CA id (default: the only branch CA)')
    .option('--der', 'DER instead of PEM')
    .option('--out <file>', 'write here instead of standard output')
    .action(async (options: CommonOptions & { issuer?: string; der?: boolean; out?: string }) => {
      const service = await open(options, false);
      service.refreshCrls();
      const branches = service.authorities().filter((authority) => authority.kind === 'branch');
      const issuer = options.issuer ?? (branches.length === 1 ? branches[0]!.id : undefined);
      if (!issuer) {
        service.close();
        fail(
          `several CAs here; pick one with --issuer (${service
            .authorities()
            .map((a) => a.id)
            .join(', ')})`,
        );
      }
      const crl = service.crl(issuer);
      service.close();
      if (!crl.ok) fail(crl.reason);
      writeOut(options.out, options.der ? crl.value.der : crl.value.pem);
    });

  withCommon(ca.command('show'))
    .description('show the CAs, a certificate (--serial) or a PEM chain (--chain)')
    .option('--chain', 'PEM chain: issuing CA(s) up to the root, root last')
    .option('--issuer <id>', 'with --chain: the CA to start from (default: the only branch CA)')
    .option('--serial <hex>', 'show one certificate: its record and PEM')
    .action(async (options: CommonOptions & { chain?: boolean; issuer?: string; serial?: string }) => {
      const service = await open(options, false);
      try {
        if (options.serial) {
          const found = service.getCertificate(options.serial);
          if (!found) fail(`no certificate with serial ${options.serial}`);
          process.stderr.write(`${describe(found.record)}\n`);
          process.stdout.write(found.certPem);
          return;
        }
        const authorities = service.authorities();
        if (options.chain) {
          const branches = authorities.filter((authority) => authority.kind === 'branch');
          const issuer = options.issuer ?? (branches.length === 1 ? branches[0]!.id : undefined);
          if (!issuer)
            fail(`several branch CAs; pick one with --issuer (${branches.map((a) => a.id).join(', ')})`);
          const chain = service.chainPem(issuer);
          if (!chain.ok) fail(chain.reason);
          process.stdout.write(chain.value);
          return;
        }
        for (const a of authorities) {
          console.log(
            `${a.kind}\t${a.id}\t${a.commonName}\tuntil ${a.notAfter.slice(0, 10)}\tCRL ${a.crlUrl}${a.kind === 'branch' ? `\tdomains ${a.domains.join(',')} subnets ${a.subnets.join(',')} subtrees ${a.subtrees.join(',')}` : ''}`,
          );
        }
      } finally {
        service.close();
      }
    });

  withCommon(ca.command('list'))
    .description('list certificates: serial, issuer, node, profile, status, expiry, CN, names')
    .option('--node <id>', "only this node's certificates")
    .option('--status <status>', 'valid | revoked')
    .option('--expiring <days>', 'only valid certificates expiring within this many days', days)
    .option('--json', 'JSON lines instead of tab-separated text')
    .action(
      async (
        options: CommonOptions & { node?: string; status?: string; expiring?: number; json?: boolean },
      ) => {
        if (options.status && options.status !== 'valid' && options.status !== 'revoked')
          fail(`--status must be valid or revoked, got "${options.status}"`);
        const service = await open(options, false);
        const records =
          options.expiring !== undefined
            ? service.expiring(options.expiring).filter((r) => !options.node || r.nodeId === options.node)
            : service.listCertificates({
                ...(options.node ? { nodeId: options.node } : {}),
                ...(options.status ? { status: options.status as 'valid' | 'revoked' } : {}),
              });
        service.close();
        for (const record of records) console.log(options.json ? JSON.stringify(record) : describe(record));
      },
    );

  withCommon(ca.command('renew'))
    .description(
      'renew a node certificate: same subject and names; same key, a new CSR (re-key) or a generated key',
    )
    .requiredOption('--serial <hex>', 'certificate to renew')
    .option('--csr <file>', 're-key: the new PKCS#10 request')
    .option('--generate', 'generate a new key here')
    .option(
      '--key-type <type>',
      `with --generate (${KEY_TYPES.join(', ')}; default sm2 under an SM2 CA, p256 otherwise)`,
      keyTypeOption,
    )
    .option('--p12 <file>', 'with --generate: write a password-protected PKCS#12 here')
    .option('--p12-password-file <file>', 'PKCS#12 password (default: $EGOV_P12_PASSWORD or a prompt)')
    .option('--key-out <file>', 'with --generate and no --p12: write the private key (PEM, 0600) here')
    .option('--days <n>', 'validity in days (capped by the profile)', days)
    .option('--revoke-old', 'revoke the old certificate (superseded)')
    .option('--out <file>', 'write the certificate (PEM) here instead of standard output')
    .option('--inventory <file>', 'inventory to take node names from (default: the one given to ca init)')
    .action(
      async (
        options: CommonOptions & {
          serial: string;
          csr?: string;
          generate?: boolean;
          keyType?: KeyType;
          p12?: string;
          p12PasswordFile?: string;
          keyOut?: string;
          days?: number;
          revokeOld?: boolean;
          out?: string;
        },
      ) => {
        const { writePrivateFile } = await loadPrivateFiles();
        if (options.csr && options.generate) fail('give at most one of --csr FILE or --generate');
        if (options.generate && !options.p12 && !options.keyOut)
          fail('--generate needs --p12 FILE or --key-out FILE for the new key');
        const password =
          options.generate && options.p12 ? await p12Password(options.p12PasswordFile) : undefined;
        const service = await open(options, true);
        const result = service.renew({
          serial: options.serial,
          ...(options.csr ? { csrPem: readInput(options.csr, 'CSR') } : {}),
          ...(options.generate
            ? {
                generate: {
                  ...(options.keyType ? { keyType: options.keyType } : {}),
                  ...(password !== undefined ? { p12Password: password } : {}),
                },
              }
            : {}),
          validityDays: options.days,
          revokeOld: options.revokeOld ?? false,
          actor: options.actor ?? defaultActor(),
        });
        service.close();
        if (!result.ok) fail(result.reason);
        if (result.value.p12 && options.p12) writePrivateFile(options.p12, result.value.p12);
        if (result.value.keyPem && options.keyOut) writePrivateFile(options.keyOut, result.value.keyPem);
        if (options.out || !options.p12) writeOut(options.out, result.value.certPem);
        process.stderr.write(
          `renewed ${options.serial} as ${result.value.record.serial}, until ${result.value.record.notAfter}\n`,
        );
      },
    );

  withCommon(ca.command('sign-branch'))
    .description(
      "offline-root workflow: the root signs a branch CA's CSR with the name constraints the inventory gives it",
    )
    .requiredOption('--csr <file>', "the branch CA's PKCS#10 request")
    .requiredOption('--branch <id>', "branch id in the inventory's pki.branches")
    .requiredOption('--inventory <file>', "inventory with the branch's domains and subnets")
    .option('--out <file>', 'write the branch certificate (PEM) here instead of standard output')
    .action(
      async (options: CommonOptions & { csr: string; branch: string; inventory: string; out?: string }) => {
        const { inventory } = await loadNodes(options.inventory);
        const branch = inventory.pki?.branches.find((candidate) => candidate.id === options.branch);
        if (!branch) fail(`branch "${options.branch}" is not in ${options.inventory}'s pki.branches`);
        const service = await open({ ...options, inventory: undefined }, false);
        const result = service.signBranchCsr({
          branch,
          csrPem: readInput(options.csr, 'CSR'),
          actor: options.actor ?? defaultActor(),
        });
        service.close();
        if (!result.ok) fail(result.reason);
        writeOut(options.out, result.value.certPem);
        process.stderr.write(`signed branch CA "${branch.id}" as serial ${result.value.serial}\n`);
      },
    );

  withCommon(ca.command('install-branch'))
    .description(
      'offline-root workflow: install the branch certificate the root signed, with the root certificate',
    )
    .requiredOption('--cert <file>', 'the branch CA certificate (PEM) from "ca sign-branch"')
    .requiredOption('--root <file>', 'the root CA certificate (PEM)')
    .action(async (options: CommonOptions & { cert: string; root: string }) => {
      const { installBranch } = await loadPki();
      const installed = installBranch(options.dir, {
        certPem: readInput(options.cert, 'branch certificate'),
        rootPem: readInput(options.root, 'root certificate'),
        passphrase: readPassphrase(options),
        actor: options.actor ?? defaultActor(),
      });
      if (!installed.ok) fail(installed.reason);
      console.log(
        `branch CA "${installed.value.branchId}" installed (serial ${installed.value.serial}); it can issue now`,
      );
    });

  withCommon(ca.command('serve'))
    .description(
      'serve CRLs, CA certificates and OCSP over HTTP at the paths of publicBaseUrl (loopback by default)',
    )
    .option('--port <port>', 'TCP port', (value) => Number(value), 8080)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .action(async (options: CommonOptions & { port: number; host: string }) => {
      if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535)
        fail('--port must be 1..65535');
      const { createPkiHttpApp } = await loadPki();
      const { Hono } = await import('hono');
      const { serve } = await import('@hono/node-server');
      const service = await open(options, false);
      const basePath = new URL(service.publicBaseUrl).pathname.replace(/\/+$/, '');
      const app = basePath
        ? new Hono().route(basePath, createPkiHttpApp(service))
        : createPkiHttpApp(service);
      service.onExpiryWarning((warning) => {
        process.stderr.write(
          `${JSON.stringify({ event: 'certificate.expiry', serial: warning.serial, node: warning.nodeId, cn: warning.commonName, notAfter: warning.notAfter, daysLeft: warning.daysLeft })}\n`,
        );
      });
      const stopSchedule = service.startSchedule();
      const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) => {
        process.stderr.write(
          `egov-noc ca serve: CRL and OCSP on http://${options.host}:${info.port}${basePath} (certificates name ${service.publicBaseUrl})\n`,
        );
      });
      server.on('error', (error: NodeJS.ErrnoException) =>
        fail(`cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`),
      );
      const stop = () => {
        stopSchedule();
        server.close(() => {
          service.close();
          process.exit(0);
        });
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  const audit = ca.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description("check every entry's hash chain; names the first changed or deleted entry")
    .requiredOption('--dir <dir>', 'CA directory')
    .action(async (options: { dir: string }) => {
      const { verifyCaAudit } = await loadPki();
      const verdict = verifyCaAudit(options.dir);
      if (!verdict.ok) fail(`audit log broken at line ${verdict.line}: ${verdict.reason}`, 3);
      console.log(`audit log intact: ${verdict.entries} entries, head ${verdict.head.hash.slice(0, 16)}…`);
    });
}
