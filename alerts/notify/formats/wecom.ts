import { markdownLines, robotRejected, type NotificationFormat } from './format';

/** WeCom (企业微信) group robot: {msgtype: 'markdown', markdown: {content}}. */
export const wecomFormat: NotificationFormat = {
  render: (n) => ({ msgtype: 'markdown', markdown: { content: markdownLines(n).join('\n') } }),
  rejected: robotRejected,
};
