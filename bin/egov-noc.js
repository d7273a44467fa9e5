#!/usr/bin/env node
// The one egov-noc CLI. TypeScript sources run through tsx, so a fresh clone needs only `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
