/**
 * The alerts the stream has told the console about, kept up to date one change at a time: the map
 * of every alert by id, the open ones (not resolved, not suppressed) in that map's order, and their
 * counts by severity and firing. A change costs a few map operations, not a copy of thousands of
 * alerts, and says whether the open list changed, so views of open alerts skip the churn of
 * suppressed and resolved ones. `stores/alerts.svelte.ts` wraps it in runes.
 */
import { SEVERITIES, type Alert, type Severity } from '../../../../domain';

export const isOpenAlert = (alert: Alert): boolean =>
  alert.status !== 'resolved' && alert.suppressedBy === null;

const noSeverities = (): Record<Severity, number> =>
  Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

export class AlertIndex {
  private readonly byId = new Map<string, Alert>();
  private readonly openById = new Map<string, Alert>();
  /** Each id's place in `byId`'s insertion order, which the open list keeps. */
  private readonly placeOf = new Map<string, number>();
  private nextPlace = 0;
  /** The highest place appended to `openById` since it was last rebuilt. */
  private lastOpenPlace = -1;
  private openBySeverity = noSeverities();
  private firing = 0;

  /** Every alert, newest state per id, in the order first seen. Read only: change it with `set`. */
  get all(): ReadonlyMap<string, Alert> {
    return this.byId;
  }

  get firingCount(): number {
    return this.firing;
  }

  /** Open alerts per severity (a copy). */
  countsBySeverity(): Record<Severity, number> {
    return { ...this.openBySeverity };
  }

  /** Open alerts, in the order first seen (a new array). */
  openAlerts(): Alert[] {
    return [...this.openById.values()];
  }

  /** Everything at once (the stream's snapshot); a later duplicate id wins, at the first one's place. */
  replaceAll(alerts: readonly Alert[]): void {
    this.clear();
    for (const alert of alerts) this.set(alert);
  }

  clear(): void {
    this.byId.clear();
    this.openById.clear();
    this.placeOf.clear();
    this.nextPlace = 0;
    this.lastOpenPlace = -1;
    this.openBySeverity = noSeverities();
    this.firing = 0;
  }

  /** Stores the alert's newest state; true when the open list changed (it was or is open). */
  set(alert: Alert): boolean {
    const before = this.byId.get(alert.id);
    if (before === undefined) this.placeOf.set(alert.id, this.nextPlace++);
    this.byId.set(alert.id, alert);
    const wasOpen = before !== undefined && isOpenAlert(before);
    const nowOpen = isOpenAlert(alert);
    if (wasOpen && before !== undefined) this.count(before, -1);
    if (nowOpen) this.count(alert, 1);
    if (nowOpen) this.putOpen(alert, wasOpen);
    else if (wasOpen) this.openById.delete(alert.id);
    return wasOpen || nowOpen;
  }

  private count(alert: Alert, by: 1 | -1): void {
    this.openBySeverity[alert.severity] += by;
    if (alert.status === 'firing') this.firing += by;
  }

  private putOpen(alert: Alert, wasOpen: boolean): void {
    const place = this.placeOf.get(alert.id) ?? this.nextPlace;
    if (wasOpen || place > this.lastOpenPlace) {
      // Still open (keeps its place), or newer than every open alert (goes last).
      this.openById.set(alert.id, alert);
      if (!wasOpen) this.lastOpenPlace = place;
      return;
    }
    // An older alert opens again (unsuppressed, say) among newer open ones: rare, so rebuild in order.
    this.openById.clear();
    for (const each of this.byId.values()) if (isOpenAlert(each)) this.openById.set(each.id, each);
    this.lastOpenPlace = this.placeOf.get([...this.openById.keys()].at(-1) ?? '') ?? -1;
  }
}
