/**
 * The fuzz suites' one source of inputs: a seeded PRNG (the same seed gives the same inputs on every
 * machine), mutations of valid seeds (bit flips, boundary bytes, inserted, deleted, duplicated and
 * spliced runs, truncation, DER-length tweaks) and plain random bytes. `fuzzInputs` is bounded twice:
 * by count, and by a time budget so a busy machine shortens a suite instead of timing it out.
 * A failing input is reported with its seed and index, and as hex, so it can be replayed.
 */

/** mulberry32: small, fast, good enough to spread mutations; not for anything secret. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bytes that sit on boundaries of lengths, tags and signed values. */
const INTERESTING_BYTES = [
  0x00, 0x01, 0x02, 0x1f, 0x30, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0xfe, 0xff,
];

export class Mutator {
  readonly random: () => number;

  constructor(readonly seed: number) {
    this.random = seededRandom(seed);
  }

  int(below: number): number {
    return Math.floor(this.random() * below);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('fuzz: pick() from an empty list');
    return item;
  }

  randomBytes(maxLength: number): Buffer {
    const bytes = Buffer.alloc(this.int(maxLength + 1));
    for (let i = 0; i < bytes.length; i++) bytes[i] = this.int(256);
    return bytes;
  }

  /** One to four mutations of `input` (never changed in place); `others` feed splices. */
  mutate(input: Buffer, others: readonly Buffer[] = []): Buffer {
    let out: Buffer = Buffer.from(input);
    const rounds = 1 + this.int(4);
    for (let i = 0; i < rounds; i++) out = this.mutateOnce(out, others);
    return out;
  }

  private mutateOnce(input: Buffer, others: readonly Buffer[]): Buffer {
    if (input.length === 0) return this.randomBytes(16);
    const at = this.int(input.length);
    const out = Buffer.from(input);
    switch (this.int(9)) {
      case 0:
        out[at] = out[at]! ^ (1 << this.int(8));
        return out;
      case 1:
        out[at] = this.pick(INTERESTING_BYTES);
        return out;
      case 2:
        return Buffer.concat([input.subarray(0, at), this.randomBytes(8), input.subarray(at)]);
      case 3:
        return Buffer.concat([input.subarray(0, at), input.subarray(at + 1 + this.int(16))]);
      case 4: {
        const run = input.subarray(at, at + 1 + this.int(32));
        return Buffer.concat([input.subarray(0, at), run, run, input.subarray(at)]);
      }
      case 5:
        return input.subarray(0, at);
      case 6: {
        const other = others.length > 0 ? this.pick(others) : input;
        const from = this.int(other.length);
        return Buffer.concat([input.subarray(0, at), other.subarray(from, from + 1 + this.int(64))]);
      }
      case 7:
        return this.tweakLength(out);
      default:
        out.writeUInt8((out[at]! + this.pick([1, -1, 0x40, 0x80])) & 0xff, at);
        return out;
    }
  }

  /** A byte right after a likely tag (0x02-0x31, 0xa0-0xa3) gets a long-form or huge length. */
  private tweakLength(out: Buffer): Buffer {
    const tags = [];
    for (let i = 0; i + 1 < out.length; i++) {
      const b = out[i]!;
      if ((b >= 0x02 && b <= 0x31) || (b >= 0xa0 && b <= 0xa8)) tags.push(i);
    }
    if (tags.length === 0) return out;
    const at = this.pick(tags) + 1;
    const forms = [
      Buffer.from([0x80]),
      Buffer.from([0x84, 0xff, 0xff, 0xff, 0xff]),
      Buffer.from([0x81, 0xff]),
    ];
    return Buffer.concat([out.subarray(0, at), this.pick(forms), out.subarray(at + 1)]);
  }
}

export interface FuzzOptions {
  seed: number;
  /** Inputs to try at most. */
  count: number;
  /** Stop early after this long (default 8 s): bounded on a busy machine too. */
  budgetMs?: number;
  /** Share of inputs that are random bytes rather than mutated seeds (default 0.1). */
  randomShare?: number;
  /** Longest random input (default 512 bytes). */
  maxRandomBytes?: number;
}

export interface FuzzInput {
  index: number;
  bytes: Buffer;
}

/** Mutated seeds and random bytes, `count` of them or as many as fit in the budget. */
export function* fuzzInputs(seeds: readonly Buffer[], options: FuzzOptions): Generator<FuzzInput> {
  const mutator = new Mutator(options.seed);
  const deadline = performance.now() + (options.budgetMs ?? 8000);
  const randomShare = options.randomShare ?? 0.1;
  for (let index = 0; index < options.count; index++) {
    if (performance.now() > deadline) return;
    const bytes =
      mutator.random() < randomShare || seeds.length === 0
        ? mutator.randomBytes(options.maxRandomBytes ?? 512)
        : mutator.mutate(mutator.pick(seeds), seeds);
    yield { index, bytes };
  }
}

/** What to print when an input broke something: enough to replay it. */
export function describeInput(options: FuzzOptions, input: FuzzInput): string {
  const hex = input.bytes.subarray(0, 2048).toString('hex');
  return `fuzz seed ${options.seed}, input #${input.index} (${input.bytes.length} bytes): ${hex}`;
}

/**
 * Feed every input to `check`; a throw from `check` (an assertion, or the code under test crashing)
 * fails with the input that caused it. Returns how many inputs ran.
 */
export async function fuzz(
  seeds: readonly Buffer[],
  options: FuzzOptions,
  check: (bytes: Buffer) => void | Promise<void>,
): Promise<number> {
  let ran = 0;
  for (const input of fuzzInputs(seeds, options)) {
    try {
      await check(input.bytes);
    } catch (error) {
      throw new Error(
        `${describeInput(options, input)}\n${error instanceof Error ? error.stack : String(error)}`,
        {
          cause: error,
        },
      );
    }
    ran++;
  }
  return ran;
}
