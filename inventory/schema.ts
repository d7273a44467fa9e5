import { z } from 'zod';
import {
  DEVICE_ROLES,
  MEDIA,
  PROBE_KINDS,
  SNMP_AUTH_PROTOCOLS,
  SNMP_PRIV_PROTOCOLS,
  SNMP_V3_LEVELS,
  TIERS,
  WEEKDAYS,
  ZONES,
} from '../domain';

/** The YAML inventory as written by people. Shape checks here; cross-references in validate.ts. */

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case ASCII letters, digits and dashes (names go in "name")');
const ipv4 = z
  .string()
  .regex(/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/, 'must be an IPv4 address');
const cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'must be an IPv4 CIDR like 10.41.0.0/16');
const positiveSeconds = z.number().int().positive().max(86_400);
const capacity = z
  .number({ error: 'must be a number of Mbit/s' })
  .positive('must be greater than 0 Mbit/s')
  .max(1_000_000, 'must be at most 1,000,000 Mbit/s (1 Tbit/s)');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');

export const interfaceSchema = z.strictObject({ name: z.string().min(1), speedMbps: capacity });

export const nodeSchema = z.strictObject({
  id,
  name: z.string().min(1),
  tier: z.enum(TIERS),
  zone: z.enum(ZONES),
  role: z.enum(DEVICE_ROLES),
  vendor: z.string().min(1),
  model: z.string().min(1),
  address: ipv4,
  credentials: z.string().min(1),
  parent: id.nullish(),
  location: z.string().optional(),
  ports: z.number().int().min(1).max(512).optional(),
  interfaces: z.array(interfaceSchema).min(1).optional(),
  pollIntervalS: positiveSeconds.optional(),
  dnsNames: z.array(z.string().min(1)).optional(),
  /** Gatekeepers (网闸) only: the zones the device joins, its own zone among them. */
  bridges: z.array(z.enum(ZONES)).min(2, 'a gatekeeper bridges at least two zones').optional(),
});

const linkEnd = z.string().regex(/^[a-z0-9][a-z0-9-]*:.+$/, 'must be "node-id:interface-name"');

export const linkSchema = z.strictObject({
  id: z.string().min(1).optional(),
  a: linkEnd,
  b: linkEnd,
  capacityMbps: capacity,
  medium: z.enum(MEDIA),
  /** The carrier's availability commitment for a leased link, percent (e.g. 99.5). */
  slaPct: z.number().gt(0).lte(100).optional(),
});

export const meetingSchema = z.union([
  z.strictObject({
    title: z.string().min(1),
    start: z.iso.datetime({ offset: true }),
    end: z.iso.datetime({ offset: true }),
  }),
  z.strictObject({ title: z.string().min(1), days: z.array(z.enum(WEEKDAYS)).min(1), from: hhmm, to: hhmm }),
]);

export const videoLinkSchema = z.strictObject({
  id,
  name: z.string().min(1),
  a: id,
  b: id,
  probe: z.enum(PROBE_KINDS).default('nqa'),
  meetings: z.array(meetingSchema).default([]),
});

export const credentialSchema = z.discriminatedUnion('version', [
  z.strictObject({ version: z.enum(['1', '2c']), community: z.string().min(1) }),
  z.strictObject({
    version: z.literal('3'),
    user: z.string().min(1),
    level: z.enum(SNMP_V3_LEVELS).default('authPriv'),
    authProtocol: z.enum(SNMP_AUTH_PROTOCOLS),
    authKey: z.string().min(8, 'must be at least 8 characters (RFC 3414)'),
    privProtocol: z.enum(SNMP_PRIV_PROTOCOLS).optional(),
    privKey: z.string().min(8, 'must be at least 8 characters (RFC 3414)').optional(),
  }),
]);

export const credentialsSchema = z.record(z.string(), credentialSchema);

export const pollingSchema = z.strictObject({
  defaultIntervalS: positiveSeconds.default(60),
  byTier: z.partialRecord(z.enum(TIERS), positiveSeconds).default({}),
  byRole: z.partialRecord(z.enum(DEVICE_ROLES), positiveSeconds).default({}),
});

export const pkiSchema = z.strictObject({
  root: z.strictObject({
    commonName: z.string().min(1),
    organization: z.string().min(1),
    country: z.string().length(2).default('CN'),
    validityYears: z.number().int().min(1).max(30).default(20),
  }),
  branches: z
    .array(
      z.strictObject({
        id,
        name: z.string().min(1),
        commonName: z.string().min(1),
        domains: z.array(z.string().min(1)).min(1),
        subnets: z.array(cidr).default([]),
        subtrees: z.array(id).min(1),
        validityYears: z.number().int().min(1).max(20).default(10),
      }),
    )
    .min(1),
  publicBaseUrl: z.url().default('http://127.0.0.1:8080/pki'),
});

export const inventorySchema = z.strictObject({
  network: z.strictObject({ id, name: z.string().min(1), domain: z.string().min(1) }),
  credentialsFile: z.string().min(1).optional(),
  credentials: credentialsSchema.optional(),
  polling: pollingSchema.default({ defaultIntervalS: 60, byTier: {}, byRole: {} }),
  nodes: z.array(nodeSchema).min(1, 'an inventory needs at least one node'),
  links: z.array(linkSchema).default([]),
  videoLinks: z.array(videoLinkSchema).default([]),
  pki: pkiSchema.optional(),
  /**
   * Service checks beside the nodes they run on; their shape is the collector's (collector/checks),
   * checked with file:line by `inventory check` and `collect`, which run them.
   */
  checks: z.array(z.unknown()).optional(),
});

export type RawInventory = z.infer<typeof inventorySchema>;
export type RawNode = z.infer<typeof nodeSchema>;
export type RawCredential = z.infer<typeof credentialSchema>;
