import { httpRejected, type NotificationFormat } from './format';

/** Generic JSON webhook: the whole alert, the kind and the dedup key. */
export const webhookFormat: NotificationFormat = {
  render: (n) => ({ source: 'egov-noc', dedupKey: n.dedupKey, kind: n.kind, atMs: n.atMs, alert: n.alert }),
  rejected: (status) => httpRejected(status),
};
