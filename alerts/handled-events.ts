import type { HandledLog } from '../bus/index';
import type { AlertCore } from './engine';
import type { AlertStore } from './store';

/**
 * The ids of the bus events the alert engine handled, kept in its own SQLite store and written in
 * the same transaction as the alerts, change events and conditions those events changed (the
 * engine's next commit, batched per step). A crash before that commit loses both, so the
 * redelivered event is handled again; a crash after it keeps both, so the redelivery is skipped:
 * each event changes the engine's state once.
 */
export class EngineHandledLog implements HandledLog {
  /** Routed, not yet committed: a redelivery now (only after ack_wait, 10 s) is not handled twice. */
  private readonly routed = new Set<string>();

  constructor(
    private readonly store: AlertStore,
    private readonly core: AlertCore,
  ) {}

  has(id: string): boolean {
    return this.routed.has(id) || this.store.hasHandled(id);
  }

  handleOnce(id: string, atMs: number, handle: () => void, committed: () => void): void {
    this.core.handleOnce(id, atMs, handle, () => {
      this.routed.delete(id);
      committed();
    });
    this.routed.add(id);
  }

  forgetBefore(ms: number): void {
    this.store.pruneHandledBefore(ms);
  }

  /** The store is the engine's: it closes it. */
  close(): void {
    this.routed.clear();
  }
}
