/** One problem in a configuration file, located so a person can fix it: file, line and field. */
export interface ConfigError {
  file: string;
  line: number;
  /** Dotted path of the field, e.g. nodes[7].parent */
  field: string;
  message: string;
}

export function formatConfigError(error: ConfigError): string {
  return `${error.file}:${error.line} ${error.field}: ${error.message}`;
}

export function formatFieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(top level)' : out;
}
