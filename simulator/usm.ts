import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { BerReader, Tag, encodeOidTlv, lengthHeader, type BerWriter } from './ber';
import type { Device } from './device';
import { OIDS } from './oid';
import { parsePdu, type PduAnswer, type PduRequest } from './pdu';

/**
 * SNMPv3 User-based Security Model (RFC 3414, RFC 7860 for SHA-2, RFC 3826 for AES) for one agent:
 * engine discovery, HMAC authentication, AES-CFB privacy and the usmStats reports real agents send.
 */

type AuthProtocol = 'sha' | 'sha256' | 'sha512';
type PrivProtocol = 'aes' | 'aes256b' | 'aes256r';

const AUTH: Record<AuthProtocol, { hash: string; macLength: number }> = {
  sha: { hash: 'sha1', macLength: 12 },
  sha256: { hash: 'sha256', macLength: 24 },
  sha512: { hash: 'sha512', macLength: 48 },
};
const PRIV: Record<
  PrivProtocol,
  { cipher: string; keyLength: number; extend: 'none' | 'blumenthal' | 'reeder' }
> = {
  aes: { cipher: 'aes-128-cfb', keyLength: 16, extend: 'none' },
  aes256b: { cipher: 'aes-256-cfb', keyLength: 32, extend: 'blumenthal' },
  aes256r: { cipher: 'aes-256-cfb', keyLength: 32, extend: 'reeder' },
};

const TIME_WINDOW_S = 150;
const kuCache = new Map<string, Buffer>();

/** RFC 3414 A.2: password → Ku (hash of 1 MiB of the repeated password). Cached per password. */
function passwordToKu(protocol: AuthProtocol, password: Buffer): Buffer {
  const cacheKey = `${protocol}\0${password.toString('base64')}`;
  const cached = kuCache.get(cacheKey);
  if (cached) return cached;
  if (password.length === 0) throw new Error('SNMPv3 password must not be empty');
  const hash = createHash(AUTH[protocol].hash).update(Buffer.alloc(1048576, password));
  const ku = hash.digest();
  kuCache.set(cacheKey, ku);
  return ku;
}

/** Kul = H(Ku || engineID || Ku). */
export function localizeKey(protocol: AuthProtocol, password: Buffer | string, engineId: Buffer): Buffer {
  const ku = passwordToKu(protocol, Buffer.isBuffer(password) ? password : Buffer.from(password, 'utf8'));
  return createHash(AUTH[protocol].hash).update(ku).update(engineId).update(ku).digest();
}

/** Privacy key of the right length (AES-128: first 16 bytes; AES-256: Blumenthal or Reeder extension). */
export function privacyKey(
  priv: PrivProtocol,
  auth: AuthProtocol,
  password: string,
  engineId: Buffer,
): Buffer {
  const spec = PRIV[priv];
  const first = localizeKey(auth, password, engineId);
  if (spec.extend === 'none' || first.length >= spec.keyLength) return first.subarray(0, spec.keyLength);
  let key = first;
  while (key.length < spec.keyLength) {
    const next =
      spec.extend === 'blumenthal'
        ? createHash(AUTH[auth].hash).update(key).digest()
        : localizeKey(auth, key.subarray(key.length - first.length), engineId);
    key = Buffer.concat([key, next]);
  }
  return key.subarray(0, spec.keyLength);
}

function keysOf(dev: Device): { authKey: Buffer; privKey: Buffer | null } {
  if (dev.usmKeys) return dev.usmKeys;
  const c = dev.credentials;
  if (c.version !== '3') throw new Error('keysOf: not a v3 device');
  const authKey = localizeKey(c.authProtocol, c.authKey, dev.engineId);
  const privKey =
    c.level === 'authPriv' && c.privProtocol && c.privKey
      ? privacyKey(c.privProtocol, c.authProtocol, c.privKey, dev.engineId)
      : null;
  dev.usmKeys = { authKey, privKey };
  return dev.usmKeys;
}

function iv(boots: number, time: number, salt: Buffer): Buffer {
  const out = Buffer.alloc(16);
  out.writeUInt32BE(boots >>> 0, 0);
  out.writeUInt32BE(time >>> 0, 4);
  salt.copy(out, 8, 0, 8);
  return out;
}

// --- small TLV builders for the (not speed-critical) v3 envelope ---
function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([lengthHeader(tag, content.length), content]);
}
function intTlv(value: number): Buffer {
  let size = 1;
  while (size < 4 && (value >= 2 ** (8 * size - 1) || value < -(2 ** (8 * size - 1)))) size++;
  if (value >= 2 ** 31) size = 5;
  const b = Buffer.alloc(size);
  let v = BigInt(value);
  for (let i = size - 1; i >= 0; i--) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return tlv(Tag.Integer, b);
}

export const usmStats = {
  unsupportedSecLevels: 0,
  notInTimeWindows: 0,
  unknownUserNames: 0,
  unknownEngineIDs: 0,
  wrongDigests: 0,
  decryptionErrors: 0,
};
const USM_STAT_INDEX: Record<keyof typeof usmStats, number> = {
  unsupportedSecLevels: 1,
  notInTimeWindows: 2,
  unknownUserNames: 3,
  unknownEngineIDs: 4,
  wrongDigests: 5,
  decryptionErrors: 6,
};

interface Envelope {
  msgId: number;
  flags: number;
  user: Buffer;
  /** Authenticate (and encrypt) the reply with the device's keys. */
  auth: boolean;
  priv: boolean;
}

/** Builds the whole v3 message around a plaintext scoped PDU, encrypting and signing as asked. */
function buildMessage(dev: Device, now: number, env: Envelope, scopedPdu: Buffer): Buffer {
  const c = dev.credentials;
  const boots = dev.engineBoots;
  const time = dev.engineTime(now);
  let data: Buffer = scopedPdu;
  let salt = Buffer.alloc(0);
  let macLength = 0;
  if (env.auth && c.version === '3') {
    macLength = AUTH[c.authProtocol].macLength;
    if (env.priv && c.privProtocol) {
      const keys = keysOf(dev);
      if (!keys.privKey) throw new Error('privacy requested without a privacy key');
      salt = randomBytes(8);
      const cipher = createCipheriv(PRIV[c.privProtocol].cipher, keys.privKey, iv(boots, time, salt));
      data = tlv(Tag.OctetString, Buffer.concat([cipher.update(scopedPdu), cipher.final()]));
    }
  }
  const flags = (env.auth ? 1 : 0) | (env.auth && env.priv ? 2 : 0);
  const header = tlv(
    Tag.Sequence,
    Buffer.concat([intTlv(env.msgId), intTlv(65507), tlv(Tag.OctetString, Buffer.from([flags])), intTlv(3)]),
  );
  const authParams = Buffer.alloc(macLength);
  const secParams = tlv(
    Tag.Sequence,
    Buffer.concat([
      tlv(Tag.OctetString, dev.engineId),
      intTlv(boots),
      intTlv(time),
      tlv(Tag.OctetString, env.user),
      tlv(Tag.OctetString, authParams),
      tlv(Tag.OctetString, salt),
    ]),
  );
  const message = tlv(
    Tag.Sequence,
    Buffer.concat([intTlv(3), header, tlv(Tag.OctetString, secParams), data]),
  );
  if (macLength > 0 && c.version === '3') {
    const keys = keysOf(dev);
    const mac = createHmac(AUTH[c.authProtocol].hash, keys.authKey)
      .update(message)
      .digest()
      .subarray(0, macLength);
    // the zeroed authParams are the only run of macLength zero bytes right after their header
    const marker = Buffer.concat([
      lengthHeader(Tag.OctetString, macLength),
      authParams,
      lengthHeader(Tag.OctetString, salt.length),
      salt,
    ]);
    const at = message.indexOf(marker);
    if (at < 0) throw new Error('authParams not found in the message');
    mac.copy(message, at + lengthHeader(Tag.OctetString, macLength).length);
  }
  return message;
}

/**
 * An SNMPv3 notification from the device: the device is the authoritative engine (RFC 3414 §3.1.1),
 * so it signs (and, for authPriv, encrypts) with its own localized keys, as a real agent does.
 */
export function buildV3Trap(dev: Device, now: number, msgId: number, trapPdu: Buffer): Buffer {
  const c = dev.credentials;
  if (c.version !== '3') throw new Error(`buildV3Trap: ${dev.node.id} is not an SNMPv3 device`);
  const scoped = tlv(
    Tag.Sequence,
    Buffer.concat([tlv(Tag.OctetString, dev.engineId), tlv(Tag.OctetString, Buffer.alloc(0)), trapPdu]),
  );
  const env: Envelope = {
    msgId,
    flags: 0,
    user: Buffer.from(c.user),
    auth: true,
    priv: c.level === 'authPriv',
  };
  return buildMessage(dev, now, env, scoped);
}

function scopedPduFromWriter(w: BerWriter, dev: Device): Buffer {
  w.prependOctets(Buffer.alloc(0));
  w.prependOctets(dev.engineId);
  w.wrap(Tag.Sequence);
  return w.finish();
}

function report(
  dev: Device,
  now: number,
  env: Envelope,
  stat: keyof typeof usmStats,
  requestId: number,
): Buffer {
  usmStats[stat]++;
  const vb = tlv(
    Tag.Sequence,
    Buffer.concat([
      encodeOidTlv([...OIDS.usmStats, USM_STAT_INDEX[stat], 0]),
      uintTlv(Tag.Counter32, usmStats[stat]),
    ]),
  );
  const pdu = tlv(
    Tag.Report,
    Buffer.concat([intTlv(requestId), intTlv(0), intTlv(0), tlv(Tag.Sequence, vb)]),
  );
  const scoped = tlv(
    Tag.Sequence,
    Buffer.concat([tlv(Tag.OctetString, dev.engineId), tlv(Tag.OctetString, Buffer.alloc(0)), pdu]),
  );
  return buildMessage(dev, now, env, scoped);
}

function uintTlv(tag: number, value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  do {
    bytes.unshift(v % 256);
    v = Math.floor(v / 256);
  } while (v > 0);
  if ((bytes[0] as number) & 0x80) bytes.unshift(0);
  return tlv(tag, Buffer.from(bytes));
}

export type Serve = (req: PduRequest, w: BerWriter, limit: number) => PduAnswer;

/**
 * Handles one SNMPv3 message for a device. Returns the reply, or null to stay silent (malformed,
 * or not reportable). `serve` writes the answer varbinds into `w`.
 */
export function handleV3(msg: Buffer, dev: Device, now: number, w: BerWriter, serve: Serve): Buffer | null {
  const r = new BerReader(msg);
  r.enter(Tag.Sequence);
  if (r.readInt() !== 3) return null;
  const globalEnd = r.enter(Tag.Sequence);
  const msgId = r.readInt();
  const maxSize = r.readInt();
  const flagsBuf = r.readOctets();
  const securityModel = r.readInt();
  r.pos = globalEnd;
  if (securityModel !== 3 || flagsBuf.length !== 1) return null;
  const flags = flagsBuf[0] as number;
  const wantsAuth = (flags & 1) !== 0;
  const wantsPriv = (flags & 2) !== 0;
  const reportable = (flags & 4) !== 0;
  if (wantsPriv && !wantsAuth) return null;

  const secParams = r.readOctets();
  const spStart = secParams.byteOffset - msg.byteOffset;
  const sp = new BerReader(msg, spStart, spStart + secParams.length);
  sp.enter(Tag.Sequence);
  const engineId = sp.readOctets();
  const boots = sp.readInt();
  const time = sp.readInt();
  const user = sp.readOctets();
  const authParams = sp.readOctets();
  const authAt = authParams.byteOffset - msg.byteOffset;
  const privParams = sp.readOctets();

  // the request id, when the PDU is readable without keys (discovery probes are plaintext)
  let plainRequestId = 0;
  let plainPdu: PduRequest | null = null;
  if (!wantsPriv) {
    const scoped = new BerReader(msg, r.pos);
    scoped.enter(Tag.Sequence);
    scoped.readOctets();
    scoped.readOctets();
    plainPdu = parsePdu(scoped);
    plainRequestId = plainPdu.requestId;
  }
  const unauth: Envelope = { msgId, flags, user, auth: false, priv: false };

  if (engineId.length === 0 || !engineId.equals(dev.engineId))
    return reportable ? report(dev, now, unauth, 'unknownEngineIDs', plainRequestId) : null;
  const c = dev.credentials;
  if (c.version !== '3' || user.toString('utf8') !== c.user)
    return reportable ? report(dev, now, unauth, 'unknownUserNames', plainRequestId) : null;
  const requiresPriv = c.level === 'authPriv';
  if (!wantsAuth || wantsPriv !== requiresPriv)
    return reportable ? report(dev, now, unauth, 'unsupportedSecLevels', plainRequestId) : null;

  const keys = keysOf(dev);
  const spec = AUTH[c.authProtocol];
  if (authParams.length !== spec.macLength)
    return reportable ? report(dev, now, unauth, 'wrongDigests', plainRequestId) : null;
  const copy = Buffer.from(msg);
  copy.fill(0, authAt, authAt + spec.macLength);
  const mac = createHmac(spec.hash, keys.authKey).update(copy).digest().subarray(0, spec.macLength);
  if (!timingSafeEqual(mac, authParams))
    return reportable ? report(dev, now, unauth, 'wrongDigests', plainRequestId) : null;

  const authed: Envelope = { msgId, flags, user, auth: true, priv: false };
  if (boots !== dev.engineBoots || Math.abs(time - dev.engineTime(now)) > TIME_WINDOW_S)
    return reportable ? report(dev, now, authed, 'notInTimeWindows', plainRequestId) : null;

  let pdu = plainPdu;
  if (wantsPriv) {
    try {
      if (!c.privProtocol || !keys.privKey || privParams.length !== 8)
        throw new Error('bad privacy parameters');
      const encrypted = new BerReader(msg, r.pos).readOctets();
      const decipher = createDecipheriv(
        PRIV[c.privProtocol].cipher,
        keys.privKey,
        iv(boots, time, privParams),
      );
      const plain = Buffer.concat([decipher.update(encrypted), decipher.final()]);
      const scoped = new BerReader(plain);
      scoped.enter(Tag.Sequence);
      scoped.readOctets();
      scoped.readOctets();
      pdu = parsePdu(scoped);
    } catch {
      return reportable ? report(dev, now, unauth, 'decryptionErrors', 0) : null;
    }
  }
  if (!pdu) return null;

  w.reset();
  const limit = Math.min(maxSize > 484 ? maxSize : 484, 65000) - 200;
  const answer = serve(pdu, w, limit);
  wrapResponse(w, pdu.requestId, answer);
  const scoped = scopedPduFromWriter(w, dev);
  return buildMessage(dev, now, { msgId, flags, user, auth: true, priv: wantsPriv }, scoped);
}

function wrapResponse(w: BerWriter, requestId: number, answer: PduAnswer): void {
  w.wrap(Tag.Sequence);
  w.prependInt(answer.errorIndex);
  w.prependInt(answer.errorStatus);
  w.prependInt(requestId);
  w.wrap(Tag.Response);
}
