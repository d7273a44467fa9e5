import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { buildInventory } from './build';
import { formatFieldPath, YamlSource } from '../common';
import type { InventoryError } from './errors';
import { credentialsSchema, inventorySchema, type RawCredential } from './schema';
import { Topology } from './topology';
import type { Inventory } from '../domain';

export type LoadResult =
  { ok: true; inventory: Inventory; topology: Topology } | { ok: false; errors: InventoryError[] };

/** Display paths relative to the working directory, as people type them. */
function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

function readSource(file: string): YamlSource | InventoryError {
  try {
    return YamlSource.parse(displayPath(file), readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    return { file: displayPath(file), line: 0, field: '(file)', message: reason };
  }
}

function schemaErrors(source: YamlSource, error: z.ZodError, prefix: PropertyKey[] = []): InventoryError[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    return {
      file: source.file,
      line: source.lineOf(path),
      field: formatFieldPath(path),
      message: issue.message,
    };
  });
}

function syntaxErrors(source: YamlSource): InventoryError[] {
  return source
    .syntaxErrors()
    .map((e) => ({ file: source.file, line: e.line, field: '(yaml)', message: e.message }));
}

/** Parse a YAML text already in memory (tests, and the generator's round trip). */
export function loadInventoryText(file: string, text: string, credentialsText?: string): LoadResult {
  const source = YamlSource.parse(file, text);
  const credentialsSource =
    credentialsText === undefined ? undefined : YamlSource.parse(`${file}.credentials`, credentialsText);
  return loadFromSources(source, () => credentialsSource ?? null);
}

/**
 * Load and validate an inventory file (and the credentials file it names). Every error is
 * reported at once with file, line and field; nothing half-valid is returned.
 */
export function loadInventory(file: string): LoadResult {
  const source = readSource(resolve(file));
  if (!(source instanceof YamlSource)) return { ok: false, errors: [source] };
  return loadFromSources(source, (credentialsFile) => {
    const credentials = readSource(resolve(dirname(file), credentialsFile));
    return credentials;
  });
}

function loadFromSources(
  source: YamlSource,
  openCredentials: (credentialsFile: string) => YamlSource | InventoryError | null,
): LoadResult {
  const yamlErrors = syntaxErrors(source);
  if (yamlErrors.length > 0) return { ok: false, errors: yamlErrors };
  const parsed = inventorySchema.safeParse(source.doc.toJS());
  if (!parsed.success) return { ok: false, errors: schemaErrors(source, parsed.error) };
  const raw = parsed.data;

  let credentials: { values: Record<string, RawCredential>; source: YamlSource; path: PropertyKey[] } = {
    values: raw.credentials ?? {},
    source,
    path: ['credentials'],
  };
  if (raw.credentialsFile) {
    const opened = openCredentials(raw.credentialsFile);
    if (opened === null) {
      return {
        ok: false,
        errors: [
          {
            file: source.file,
            line: source.lineOf(['credentialsFile']),
            field: 'credentialsFile',
            message: 'credentials file not provided',
          },
        ],
      };
    }
    if (!(opened instanceof YamlSource))
      return {
        ok: false,
        errors: [
          {
            ...opened,
            file: source.file,
            line: source.lineOf(['credentialsFile']),
            field: 'credentialsFile',
            message: `${opened.file}: ${opened.message}`,
          },
        ],
      };
    const fileErrors = syntaxErrors(opened);
    if (fileErrors.length > 0) return { ok: false, errors: fileErrors };
    const fileCredentials = credentialsSchema.safeParse(opened.doc.toJS() ?? {});
    if (!fileCredentials.success) return { ok: false, errors: schemaErrors(opened, fileCredentials.error) };
    const duplicated = Object.keys(fileCredentials.data).filter((name) => name in credentials.values);
    if (duplicated.length > 0)
      return {
        ok: false,
        errors: duplicated.map((name) => ({
          file: opened.file,
          line: opened.lineOf([name]),
          field: name,
          message: `credentials "${name}" are also defined in ${source.file}`,
        })),
      };
    credentials = { values: { ...credentials.values, ...fileCredentials.data }, source: opened, path: [] };
  }

  const built = buildInventory(raw, source, credentials);
  if (!built.inventory) return { ok: false, errors: built.errors };
  return { ok: true, inventory: built.inventory, topology: new Topology(built.inventory) };
}
