/**
 * The parts of egov-noc and their boundaries, as ESLint `no-restricted-imports` rules:
 *  - a part is imported from outside only through its face (`index.ts`), except the entries of
 *    INNER_IMPORTS below, each with its reason (also listed in docs/architecture.md);
 *  - each part's README says what it must never import; NEVER_IMPORTS is that list, enforced.
 * Tests are exempt from the face rule (unit tests exercise a part's inner modules directly).
 */

export const PARTS = [
  'domain',
  'common',
  'inventory',
  'bus',
  'metrics',
  'simulator',
  'logs',
  'collector',
  'alerts',
  'pki',
  'reports',
  'console/shared',
  'console/server',
  'console/web',
  'grafana',
  'demo',
  'bench',
  'cli',
];

const ALL = [...PARTS, 'test'];
const except = (...allowed) => ALL.filter((part) => !allowed.includes(part));

/** part → parts it must never import (from each part's README "must never import"). */
export const NEVER_IMPORTS = {
  domain: except(),
  common: except(),
  inventory: except('domain', 'common'),
  bus: except('domain', 'common'),
  metrics: except('domain', 'common'),
  simulator: except('domain', 'common', 'inventory'),
  logs: except('domain', 'common', 'inventory'),
  collector: except('domain', 'common', 'inventory', 'bus', 'metrics', 'logs'),
  alerts: except('domain', 'common', 'inventory', 'bus', 'metrics'),
  pki: except('domain', 'common', 'inventory'),
  reports: except('domain', 'common', 'inventory', 'metrics', 'logs', 'pki'),
  'console/shared': except('domain'),
  'console/server': except(
    'domain',
    'common',
    'inventory',
    'bus',
    'metrics',
    'logs',
    'alerts',
    'pki',
    'reports',
    'console/shared',
  ),
  'console/web': except('domain', 'console/shared'),
  grafana: except('domain', 'common', 'metrics'),
  demo: except(
    'domain',
    'common',
    'inventory',
    'bus',
    'metrics',
    'simulator',
    'logs',
    'collector',
    'alerts',
    'pki',
    'console/server',
  ),
  bench: ['test', 'cli', 'demo'],
  cli: ['test'],
};

/** Imports that bypass a part's face on purpose: importer → { inner module: reason }. */
export const INNER_IMPORTS = {
  cli: {
    'bench/*': 'each benchmark is its own entry point, loaded only when it is run',
    'pki/key-types/names': '--help lists key types without loading the CA or the key modules',
    'pki/profiles/index': '--help lists certificate profiles without loading the CA',
    'pki/revocation-reasons': '--help lists revocation reasons without loading the CA',
    'inventory/generate-options': '--help lists generator presets without loading the generator',
    'simulator/control-file-path': '--help names the default control file without loading the simulator',
    'simulator/control-file': '`egov-noc fault` reads the control file without loading the simulator',
    'grafana/env': '--help names the environment variables without loading the Grafana client',
    'metrics/retention': 'retention flags are parsed without loading the stores',
    'logs/store/buffer-bounds':
      "the log store buffer's bounds are checked in flags and collect.yaml without loading the stores",
  },
  bench: {
    '*': 'benchmarks measure inner modules directly (parsers, stores, the simulator engine)',
  },
};

const leafOf = (part) => part.split('/').pop();
/** How an import source names a part: `../../pki`, `../shared` (console siblings), `../../../domain`. */
const partSource = (part) => `^(\\.\\./)+${part.startsWith('console/') ? '(console/)?' : ''}${leafOf(part)}`;
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function innerPattern(part, allowed) {
  const exceptions = Object.keys(allowed)
    .filter((inner) => inner.startsWith(`${part}/`))
    .map((inner) => escape(inner.slice(part.length + 1)).replace('\\*', '.*'));
  const skip = ['index$', ...exceptions.map((e) => `${e}$`)].join('|');
  return {
    regex: `${partSource(part)}/(?!(${skip})).+`,
    message: `import ${part} through its face (${part}/index.ts); an inner module needs a reason in eslint/part-boundaries.js and docs/architecture.md`,
  };
}

function neverPattern(importer, part) {
  return {
    regex: `${partSource(part)}(/|$)`,
    message: `${importer} must never import ${part} (see ${importer}/README.md and docs/architecture.md)`,
  };
}

/** One flat-config block per part: its files, and the imports refused there. */
export function partBoundaryConfigs() {
  return PARTS.map((importer) => {
    const allowed = INNER_IMPORTS[importer] ?? {};
    const never = NEVER_IMPORTS[importer] ?? [];
    const faceChecked = allowed['*'] === undefined;
    const patterns = [
      ...never.map((part) => neverPattern(importer, part)),
      ...(faceChecked
        ? PARTS.filter((part) => part !== importer && !never.includes(part)).map((part) =>
            innerPattern(part, allowed),
          )
        : []),
    ];
    const files = [`${importer}/**/*.ts`, `${importer}/**/*.svelte`];
    return { files, rules: { 'no-restricted-imports': ['error', { patterns }] } };
  });
}
