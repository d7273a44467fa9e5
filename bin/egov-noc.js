#!/usr/bin/env node
// The one egov-noc CLI. It runs the JavaScript compiled into dist/ by `npm run build` (scripts/build.js):
// nothing transpiles TypeScript at run time. Stack traces point into the TypeScript sources.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/egov-noc.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('egov-noc: dist/egov-noc.js is missing; build it first with `npm run build`');
  process.exit(1);
}
process.setSourceMapsEnabled(true);
await import(entry.href);
