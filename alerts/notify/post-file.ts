import type { HeaderValue } from '../rules/schema';
import { DEDUP_HEADER } from './outbox';
import { resolveHeaders, urlCredentialsProblem, type Env } from './receiver-headers';
import { deliveryErrorText, urlSecrets } from './redact';

/**
 * A file (the monthly report) POSTed to a webhook the way notifications are: credentials as headers
 * from the environment (never `user:pass@`), a timeout, the dedup key header, and every failure
 * redacted (URL credentials, header values) and cut before anyone logs it.
 */

export interface FileWebhookConfig {
  url: string;
  headers?: Readonly<Record<string, HeaderValue>>;
  timeoutMs: number;
}

export interface FileWebhook {
  post(file: {
    content: Uint8Array;
    contentType: string;
    fileName: string;
    dedupKey: string;
    /** Extra non-secret headers, e.g. the report's month. */
    headers?: Record<string, string>;
  }): Promise<string | null>;
}

/** The webhook with its header secrets read from `env`, or every problem (naming variables, never values). */
export function fileWebhook(
  config: FileWebhookConfig,
  env: Env,
): { ok: true; webhook: FileWebhook } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const credentials = urlCredentialsProblem(config.url);
  if (credentials) problems.push(`url ${credentials}`);
  const resolved = resolveHeaders(config.headers, env);
  if (!resolved.ok) problems.push(...resolved.problems);
  if (!resolved.ok || problems.length > 0) return { ok: false, problems };
  const headers = resolved.headers;
  const secrets = [...urlSecrets(config.url), ...Object.values(headers)];
  return {
    ok: true,
    webhook: {
      post: async (file) => {
        try {
          const response = await fetch(config.url, {
            method: 'POST',
            headers: {
              ...file.headers,
              ...headers,
              'content-type': file.contentType,
              'content-disposition': `attachment; filename="${file.fileName.replace(/[^\w.-]/g, '_')}"`,
              [DEDUP_HEADER]: file.dedupKey,
            },
            body: new Uint8Array(file.content),
            signal: AbortSignal.timeout(config.timeoutMs),
          });
          // Only the status matters: the reply is not read.
          await response.body?.cancel();
          return response.ok ? null : deliveryErrorText(`HTTP ${response.status}`, secrets);
        } catch (error) {
          const cause = (error as { cause?: { code?: string } }).cause?.code;
          const text = cause ?? (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
          return deliveryErrorText(text, secrets);
        }
      },
    },
  };
}
