/**
 * A node's device health between polls: which profile it has (learned from sysObjectID/sysDescr on
 * its first answer), its ENTITY-MIB names and classes, and where its profile rows are, so that most
 * polls fold the profile into the interface request (fold.ts) instead of walking it again.
 */
import { toNumber, type Column, type SnmpResult, type SnmpSession, type Varbind } from '../snmp/session';
import type { EntityTable } from './entity';
import { planFold, unfold, type FoldPlan, type RowFilter } from './fold';
import { matchProfile } from './match';
import { hostResources, identifyDevice, profileColumns, walkProfile } from './poll';
import type { DeviceProfile } from './profile';
import { carriesNoReading, readHealth, type HealthReading } from './reading';

const NONE: readonly string[] = [];

/** Name columns: read on the walks only (a supply's name does not change between them). */
function nameColumns(profile: DeviceProfile): Set<string> {
  const names = [profile.fans?.nameOid, profile.powerSupplies?.nameOid];
  if (profile.memory?.kind === 'used-free') names.push(profile.memory.nameOid);
  return new Set(names.filter((oid): oid is string => oid !== undefined));
}

/** The rows worth asking for on every poll: not names, not boards without the sensor, not other classes. */
function rowFilter(profile: DeviceProfile, entity: EntityTable): RowFilter {
  const names = nameColumns(profile);
  const busiest = new Set<string>();
  for (const spec of [profile.cpu, profile.memory, profile.temperature])
    if (spec?.kind === 'percent-column') busiest.add(spec.oid);
  const classes = new Map<string, Set<number>>();
  for (const spec of [profile.fans, profile.powerSupplies])
    if (spec?.entityClass !== undefined)
      classes.set(spec.oid, new Set([...(classes.get(spec.oid) ?? []), spec.entityClass]));
  return (oid, suffix, vb) => {
    if (names.has(oid)) return false;
    if (busiest.has(oid)) return !carriesNoReading(toNumber(vb));
    const wanted = classes.get(oid);
    return wanted === undefined || wanted.has(entity.classOf.get(suffix) ?? -1);
  };
}

export interface HealthPollOptions {
  /** GETBULK max-repetitions of a walk. */
  maxRepetitions: number;
  /** Walk ENTITY-MIB (chassis, modules, names) and the profile's columns on this poll. */
  withEntity: boolean;
  ifNameOf: (ifIndex: number) => string | undefined;
}

export interface HealthPoll {
  profile: DeviceProfile;
  reading: SnmpResult<HealthReading>;
}

export class DeviceHealth {
  private profile: DeviceProfile | null = null;
  private entities: EntityTable | null = null;
  private plan: FoldPlan | null = null;
  /** Name columns as last walked. */
  private names = new Map<string, Column>();
  /** The longest column (profile or ENTITY-MIB) the last walk found: the next walk asks for one more row. */
  private longestColumn = 0;
  private walkNext = true;

  /** canFold: false for SNMPv1 (no GETBULK, and one missing row fails a whole v1 request). */
  constructor(private readonly canFold: boolean) {}

  get profileId(): string | null {
    return this.profile?.id ?? null;
  }

  /** OIDs to ask as non-repeaters of this poll's interface request; empty when this poll walks. */
  foldedOids(withEntity: boolean): readonly string[] {
    if (!this.canFold || this.profile === null || this.plan === null || this.walkNext || withEntity)
      return NONE;
    return this.plan.request;
  }

  /**
   * This poll's reading. `folded` holds the answers to foldedOids() (same order) when the interface
   * request carried them; otherwise the profile's columns are walked.
   */
  async poll(
    session: SnmpSession,
    folded: ReadonlyArray<Varbind | null> | null,
    options: HealthPollOptions,
  ): Promise<HealthPoll> {
    const profile = this.profile ?? (await this.identify(session));
    if (folded !== null && this.plan !== null && this.entities !== null)
      return {
        profile,
        reading: await this.readFolded(session, profile, this.plan, this.entities, folded, options),
      };
    const maxRepetitions =
      this.longestColumn > 0
        ? Math.min(options.maxRepetitions, this.longestColumn + 1)
        : options.maxRepetitions;
    const walked = await walkProfile(session, profile, {
      ...options,
      maxRepetitions,
      knownEntities: this.entities,
    });
    if (!walked.ok) return { profile, reading: walked };
    const { columns, entity, hr, values, requests } = walked.value;
    const own = profileColumns(profile);
    this.entities = entity;
    this.longestColumn = Math.max(entity.classOf.size, ...columns.map((c) => c.size));
    this.plan = planFold(own, columns, rowFilter(profile, entity));
    this.names = new Map<string, Column>();
    for (const oid of nameColumns(profile))
      this.names.set(oid, columns[own.indexOf(oid)] ?? new Map<string, Varbind>());
    this.walkNext = false;
    return {
      profile,
      reading: {
        ok: true,
        value: readHealth(profile, (oid) => columns[own.indexOf(oid)], {
          hr,
          entity,
          withEntity: options.withEntity,
          ifNameOf: options.ifNameOf,
          values,
          requests,
        }),
      },
    };
  }

  /** After a reboot (a software upgrade, a swapped chassis): identify the device and walk again. */
  forget(): void {
    this.profile = null;
    this.entities = null;
    this.plan = null;
    this.names = new Map();
    this.longestColumn = 0;
    this.walkNext = true;
  }

  private async identify(session: SnmpSession): Promise<DeviceProfile> {
    const identity = await identifyDevice(session);
    // A device that does not say what it is gets the standard MIBs only, and is asked again next poll.
    if (!identity.ok) return matchProfile(null, null);
    this.profile = matchProfile(identity.value.sysObjectId, identity.value.sysDescr);
    return this.profile;
  }

  private async readFolded(
    session: SnmpSession,
    profile: DeviceProfile,
    plan: FoldPlan,
    entity: EntityTable,
    folded: ReadonlyArray<Varbind | null>,
    options: HealthPollOptions,
  ): Promise<SnmpResult<HealthReading>> {
    const { columns, complete } = unfold(plan, folded);
    if (!complete) this.walkNext = true;
    const usesHr = profile.cpu?.kind === 'host-resources' || profile.memory?.kind === 'host-resources';
    const hr = usesHr ? await hostResources(session) : null;
    const hrValue = hr?.ok ? hr.value : null;
    let values = hrValue?.values ?? 0;
    for (const c of columns) values += c.size;
    return {
      ok: true,
      value: readHealth(profile, (oid) => this.names.get(oid) ?? columns[plan.oids.indexOf(oid)], {
        hr: hrValue,
        entity,
        withEntity: false,
        ifNameOf: options.ifNameOf,
        values,
        requests: hrValue?.requests ?? 0,
      }),
    };
  }
}
