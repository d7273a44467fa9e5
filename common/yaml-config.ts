import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { formatFieldPath, type ConfigError } from './config-errors';
import { YamlSource } from './yaml-source';

export type YamlConfigResult<T> = { ok: true; value: T } | { ok: false; errors: ConfigError[] };

/**
 * A small YAML configuration file checked against its schema, the way the inventory and the alert
 * rules are: every problem at once, each with file, line and field. Messages come from the parser
 * and the schema, which never quote a value, so a secret in the file never reaches the error.
 */
export function parseYamlConfig<T>(file: string, text: string, schema: z.ZodType<T>): YamlConfigResult<T> {
  const source = YamlSource.parse(file, text);
  const syntax = source.syntaxErrors();
  if (syntax.length > 0)
    return {
      ok: false,
      errors: syntax.map((e) => ({ file, line: e.line, field: '(yaml)', message: e.message })),
    };
  const parsed = schema.safeParse(source.doc.toJS() ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => ({
      file,
      line: source.lineOf(issue.path),
      field: formatFieldPath(issue.path),
      message: issue.message,
    })),
  };
}

/** Read and check a YAML configuration file; a file that cannot be read is one error on line 0. */
export function readYamlConfig<T>(file: string, schema: z.ZodType<T>): YamlConfigResult<T> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'file not found' : `cannot read: ${code ?? String(error)}`;
    return { ok: false, errors: [{ file, line: 0, field: '(file)', message }] };
  }
  return parseYamlConfig(file, text, schema);
}
