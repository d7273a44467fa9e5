import { KIND_ZH, markdownLines, robotRejected, SEVERITY_ZH, type NotificationFormat } from './format';

/** DingTalk (钉钉) group robot: {msgtype: 'markdown', markdown: {title, text}}. */
export const dingtalkFormat: NotificationFormat = {
  render: (n) => ({
    msgtype: 'markdown',
    markdown: {
      title: `【${KIND_ZH[n.kind]}·${SEVERITY_ZH[n.alert.severity]}】${n.alert.summary}`,
      text: markdownLines(n).join('\n\n'),
    },
  }),
  rejected: robotRejected,
};
