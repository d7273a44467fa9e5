import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The compiled JavaScript of a worker entry point (dist/NAME.js, named in scripts/build.js's
 * ENTRY_POINTS), for `fork()`: workers run what `npm run build` produced, never TypeScript.
 */
export function compiledEntry(name: string): string {
  const path = fileURLToPath(new URL(`../../dist/${name}.js`, import.meta.url));
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first`);
  return path;
}
