import type { HeaderValue, ReceiverConfig } from '../rules/schema';

/**
 * A receiver's credentials are request headers, written in the rules file as `{ env: NAME }` so the
 * secret lives in the environment (like the CA passphrase and InfluxDB password), never in the URL
 * or the file.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export type ResolvedHeaders =
  { ok: true; headers: Record<string, string> } | { ok: false; problems: string[] };

export function missingEnvProblem(header: string, name: string): string {
  return `header ${header}: environment variable ${name} is not set`;
}

export function resolveHeaders(
  headers: Readonly<Record<string, HeaderValue>> | undefined,
  env: Env,
): ResolvedHeaders {
  const resolved: Record<string, string> = {};
  const problems: string[] = [];
  for (const [header, value] of Object.entries(headers ?? {})) {
    if (typeof value === 'string') resolved[header] = value;
    else if (env[value.env] !== undefined && env[value.env] !== '')
      resolved[header] = env[value.env] as string;
    else problems.push(missingEnvProblem(header, value.env));
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, headers: resolved };
}

/** Why a receiver URL must be refused (it carries user:pass@), or null. Never echoes the URL. */
export function urlCredentialsProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return parsed.username !== '' || parsed.password !== ''
    ? 'must not carry credentials (user:pass@): send them as a header from the environment, e.g. headers: { Authorization: { env: NOC_WEBHOOK_AUTH } }'
    : null;
}

/** Every receiver's headers from the environment; throws naming each receiver and variable that is missing. */
export function resolveReceiverHeaders(
  receivers: readonly ReceiverConfig[],
  env: Env,
): Map<string, Record<string, string>> {
  const byReceiver = new Map<string, Record<string, string>>();
  const problems: string[] = [];
  for (const receiver of receivers) {
    const credentials = urlCredentialsProblem(receiver.url);
    if (credentials) problems.push(`receiver ${receiver.name}: url ${credentials}`);
    const resolved = resolveHeaders(receiver.headers, env);
    if (resolved.ok) byReceiver.set(receiver.name, resolved.headers);
    else problems.push(...resolved.problems.map((problem) => `receiver ${receiver.name}: ${problem}`));
  }
  if (problems.length > 0) throw new Error(`alert notifications are misconfigured:\n${problems.join('\n')}`);
  return byReceiver;
}
