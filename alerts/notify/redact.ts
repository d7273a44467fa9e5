/**
 * Webhook URLs carry secrets: WeCom's `key=`, DingTalk's `access_token=` and `sign=`, sometimes
 * `user:pass@`. Fetch errors and robots' error replies often quote the URL, so every text about a
 * delivery is redacted before it is logged or stored.
 */

const MASK = '***';
/** Query parameters whose value is a credential (matched anywhere in the name: access_token, apiKey …). */
const SECRET_PARAM = /token|key|sign|secret|pass|pwd|auth|sig|credential|ticket/i;
/** `//user:pass@`; the class excludes `/` so runs never overlap (linear on any input). */
const USERINFO = /\/\/[^/@\s?#]*@/g;
/** `?name=value` / `&name=value`; the classes exclude the delimiters so runs never overlap. */
const QUERY_PARAM = /([?&])([^=&#?\s]*)=([^&#?\s"'<>]*)/g;
/** A stored error is for a person to read: the reason, not a whole response body. */
export const MAX_ERROR_CHARS = 500;

/** Mask credentials in URLs anywhere in `text`, and every literal secret given. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(USERINFO, `//${MASK}@`)
    .replace(QUERY_PARAM, (whole, sep: string, name: string) =>
      SECRET_PARAM.test(name) ? `${sep}${name}=${MASK}` : whole,
    );
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join(MASK);
  return out;
}

/** The secret parts of one URL (userinfo, credential-like query values), for redactText. */
export function urlSecrets(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const secrets = [parsed.username, parsed.password].map(decodeURIComponent);
  for (const [name, value] of parsed.searchParams) if (SECRET_PARAM.test(name)) secrets.push(value);
  return secrets.filter((secret) => secret !== '');
}

/** A delivery error as it may be logged and stored: redacted, then cut to a readable length. */
export function deliveryErrorText(error: string, secrets: readonly string[]): string {
  const redacted = redactText(error, secrets);
  return redacted.length > MAX_ERROR_CHARS ? `${redacted.slice(0, MAX_ERROR_CHARS)}…` : redacted;
}
