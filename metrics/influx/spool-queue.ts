/** Spool operations one at a time, in the order they were asked for: the spool keeps write order. */
import type { MetricPoint } from '../../domain';
import { errorText } from './client';
import type { Spool } from './spool';

export interface SpoolQueueHooks {
  dropped(points: number, reason: string): void;
  /** After each operation, whether it succeeded or not. */
  settled(): void;
}

export class SpoolQueue {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly spool: Spool,
    private readonly hooks: SpoolQueueHooks,
  ) {}

  run<T>(op: () => Promise<T>): Promise<T> {
    const result = this.chain.then(op);
    this.chain = result.then(
      () => this.hooks.settled(),
      () => this.hooks.settled(),
    );
    return result;
  }

  /** Resolves once every operation asked for so far is done. */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Append batches in order; one that fails or does not fit is counted as dropped. */
  append(batches: MetricPoint[][]): void {
    void this.run(async () => {
      for (const points of batches) {
        let stored = false;
        try {
          stored = await this.spool.append(points);
        } catch (error) {
          this.hooks.dropped(points.length, `spool write failed: ${errorText(error)}`);
          continue;
        }
        if (!stored) this.hooks.dropped(points.length, 'spool full');
      }
    });
  }
}
