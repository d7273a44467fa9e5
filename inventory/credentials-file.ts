/**
 * A credentials file on its own (the file an inventory's `credentialsFile:` names): what
 * `egov-noc discover --credentials FILE` tries on every address. Errors name file, line and field,
 * never a secret.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { formatFieldPath, YamlSource } from '../common';
import type { SnmpCredentials } from '../domain';
import type { InventoryError } from './errors';
import { credentialsSchema } from './schema';

export type CredentialsResult =
  { ok: true; credentials: SnmpCredentials[] } | { ok: false; errors: InventoryError[] };

/** Parse credentials YAML (name → v1/v2c community or v3 user), in the file's order. */
export function parseCredentialsText(file: string, text: string): CredentialsResult {
  const source = YamlSource.parse(file, text);
  const syntax = source.syntaxErrors();
  if (syntax.length > 0)
    return {
      ok: false,
      errors: syntax.map((e) => ({ file, line: e.line, field: '(yaml)', message: e.message })),
    };
  const parsed = credentialsSchema.safeParse(source.doc.toJS() ?? {});
  if (!parsed.success)
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => ({
        file,
        line: source.lineOf(issue.path),
        field: formatFieldPath(issue.path),
        message: issue.message,
      })),
    };
  const errors: InventoryError[] = [];
  const credentials: SnmpCredentials[] = [];
  for (const [name, value] of Object.entries(parsed.data)) {
    if (value.version === '3' && value.level === 'authPriv' && (!value.privProtocol || !value.privKey))
      errors.push({
        file,
        line: source.lineOf([name]),
        field: `${name}.privKey`,
        message: 'authPriv needs privProtocol and privKey',
      });
    else credentials.push({ name, ...value });
  }
  if (credentials.length === 0 && errors.length === 0)
    errors.push({ file, line: 1, field: '(file)', message: 'no credentials defined' });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, credentials };
}

export function loadCredentialsFile(file: string): CredentialsResult {
  const shown = relative(process.cwd(), resolve(file)).startsWith('..')
    ? file
    : relative(process.cwd(), resolve(file));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      errors: [
        {
          file: shown,
          line: 0,
          field: '(file)',
          message: code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? 'error'})`,
        },
      ],
    };
  }
  return parseCredentialsText(shown, text);
}
