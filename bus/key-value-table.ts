import { StringCodec, type KV, type KvEntry, type NatsConnection, type QueuedIterator } from 'nats';

export interface KeyValueEntry {
  key: string;
  value: string;
  revision: number;
  /** Server time of the last write (ms since epoch). */
  writtenMs: number;
}

/**
 * A JetStream key-value bucket whose entries vanish `ttlMs` after their last write: leases that a
 * holder must renew. Writes are conditional, so two writers never both win.
 */
export interface KeyValueTable {
  readonly ttlMs: number;
  /** The new revision, or null when the key exists (someone holds it). */
  create(key: string, value: string): Promise<number | null>;
  /** The new revision, or null when the key changed since `revision` (someone else wrote it). */
  update(key: string, value: string, revision: number): Promise<number | null>;
  /** Write whatever is there; the new revision. */
  put(key: string, value: string): Promise<number>;
  /** Delete the key if it is still at `revision`. */
  remove(key: string, revision: number): Promise<boolean>;
  /** Every live entry whose key starts with `prefix.`. */
  entries(prefix: string): Promise<KeyValueEntry[]>;
}

const strings = StringCodec();

/** Compare-and-set failures are expected answers (someone else holds the key), not faults. */
async function orNull<T>(attempt: Promise<T>): Promise<T | null> {
  try {
    return await attempt;
  } catch (error) {
    if (/wrong last sequence|key exists/i.test((error as Error).message)) return null;
    throw error;
  }
}

class NatsKeyValueTable implements KeyValueTable {
  constructor(
    private readonly kv: KV,
    readonly ttlMs: number,
  ) {}

  create(key: string, value: string): Promise<number | null> {
    return orNull(this.kv.create(key, strings.encode(value)));
  }

  update(key: string, value: string, revision: number): Promise<number | null> {
    return orNull(this.kv.update(key, strings.encode(value), revision));
  }

  put(key: string, value: string): Promise<number> {
    return this.kv.put(key, strings.encode(value));
  }

  async remove(key: string, revision: number): Promise<boolean> {
    return (await orNull(this.kv.delete(key, { previousSeq: revision }).then(() => true))) ?? false;
  }

  /**
   * One ordered read of the bucket's last values (a watch stopped once it has caught up), not a
   * request per key: each collector reads every lease a few times a lifetime, 5,000 at province scale.
   */
  async entries(prefix: string): Promise<KeyValueEntry[]> {
    const found = new Map<string, KeyValueEntry>();
    let caughtUp = false;
    let watcher: QueuedIterator<KvEntry> | null = null;
    watcher = await this.kv.watch({
      key: `${prefix}.>`,
      initializedFn: () => {
        caughtUp = true;
        watcher?.stop();
      },
    });
    if (caughtUp) watcher.stop();
    for await (const entry of watcher) {
      if (entry.operation === 'PUT')
        found.set(entry.key, {
          key: entry.key,
          value: strings.decode(entry.value),
          revision: entry.revision,
          writtenMs: entry.created.getTime(),
        });
      else found.delete(entry.key);
    }
    return [...found.values()];
  }
}

/** Open (or create) the bucket; an existing bucket keeps the TTL it was made with. */
export async function openKeyValueTable(
  connection: NatsConnection,
  bucket: string,
  ttlMs: number,
): Promise<KeyValueTable> {
  const kv = await connection.jetstream().views.kv(bucket, { ttl: ttlMs, history: 1 });
  const status = await kv.status();
  return new NatsKeyValueTable(kv, status.ttl > 0 ? status.ttl : ttlMs);
}

/** An existing bucket, or null: for readers that must not create one (`egov-noc collectors`). */
export async function findKeyValueTable(
  connection: NatsConnection,
  bucket: string,
): Promise<KeyValueTable | null> {
  const manager = await connection.jetstreamManager();
  const exists = await manager.streams.info(`KV_${bucket}`).then(
    () => true,
    () => false,
  );
  if (!exists) return null;
  const kv = await connection.jetstream().views.kv(bucket, { bindOnly: true });
  return new NatsKeyValueTable(kv, (await kv.status()).ttl);
}
