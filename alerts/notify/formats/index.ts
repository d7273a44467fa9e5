import type { RECEIVER_TYPES } from '../../rules/schema';
import { dingtalkFormat } from './dingtalk';
import type { NotificationFormat } from './format';
import { webhookFormat } from './webhook';
import { wecomFormat } from './wecom';

/** Adding a format is adding a file and a line here. */
export const FORMATS: Record<(typeof RECEIVER_TYPES)[number], NotificationFormat> = {
  webhook: webhookFormat,
  wecom: wecomFormat,
  dingtalk: dingtalkFormat,
};

export type { Notification, NotificationFormat, NotificationKind } from './format';
