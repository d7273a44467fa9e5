/**
 * How a recorded asset change names its part and values, the same on the Assets page and the node
 * page: a part inserted or removed by its class, name and container ("Power supply PWR2 (in
 * NE40E-X8)") with its serial; a replacement or upgrade by slot and field with old → new.
 */
import type { AssetChangeView } from '../../../shared';
import { t, tOr } from './i18n';

export const isPresenceChange = (change: AssetChangeView): boolean =>
  change.change === 'module-inserted' || change.change === 'module-removed';

/** "Power supply PWR2 (in NE40E-X8)" for a part inserted or removed; "PWR2 · serial" otherwise. */
export function changedPart(change: AssetChangeView): string {
  if (!isPresenceChange(change)) return `${change.slotName} · ${t(`assets.field.${change.field}`)}`;
  const cls = change.partClass === '' ? '' : `${tOr(`assets.class.${change.partClass}`, change.partClass)} `;
  const where = change.container === '' ? '' : t('assets.inContainer', { container: change.container });
  return `${cls}${change.slotName}${where}`;
}

/** "serial 2102…" for a part inserted or removed; "old → new" otherwise. */
export function changedValues(change: AssetChangeView): string {
  if (!isPresenceChange(change)) return `${change.oldValue} → ${change.newValue}`;
  return `${t('assets.field.serial')} ${change.newValue || change.oldValue}`;
}
