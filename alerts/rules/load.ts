import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { formatFieldPath, YamlSource, type ConfigError } from '../../common';
import { labelPatternProblem } from '../label-patterns';
import { missingEnvProblem, urlCredentialsProblem, type Env } from '../notify/receiver-headers';
import { alertRulesSchema, type AlertRules, type Rule } from './schema';

/** One problem in an alert-rules file, located like inventory errors: file, line, field. */
export type RulesError = ConfigError;

export type RulesLoadResult = { ok: true; rules: AlertRules } | { ok: false; errors: RulesError[] };

/** The shipped defaults, configs/alert-rules.yaml. */
export const DEFAULT_RULES_FILE = fileURLToPath(new URL('../../configs/alert-rules.yaml', import.meta.url));

/** Kinds the engine evaluates with one built-in detector each: at most one rule of each. */
const SINGLE_KINDS: ReadonlyArray<Rule['kind']> = [
  'node-unreachable',
  'uplink-down',
  'link-down',
  'interface-flapping',
  'reboot',
  'freshness',
  'snmp-auth-failure',
  'topology-drift',
  'isolation-breach',
  'collector-silent',
  'brute-force',
  'login-outside-management',
  'config-change-outside-window',
  'security-burst',
  'logs-silent',
  'hardware-failure',
  'asset-change',
];
/** Kinds correlation needs: a rules file without them would hide outages. */
const REQUIRED_KINDS: ReadonlyArray<Rule['kind']> = ['node-unreachable', 'uplink-down'];

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

function crossCheck(
  rules: AlertRules,
  at: (path: PropertyKey[], message: string) => RulesError,
  env: Env,
): RulesError[] {
  const errors: RulesError[] = [];
  const seen = new Map<string, number>();
  rules.rules.forEach((rule, index) => {
    const first = seen.get(rule.id);
    if (first !== undefined)
      errors.push(at(['rules', index, 'id'], `duplicate rule id "${rule.id}" (first at rules[${first}])`));
    else seen.set(rule.id, index);
    if (rule.kind === 'threshold') {
      const clearsWrongSide = (value: number, clear: number | undefined) =>
        clear !== undefined && (rule.op.startsWith('>') ? clear > value : clear < value);
      if (clearsWrongSide(rule.value, rule.clear))
        errors.push(
          at(
            ['rules', index, 'clear'],
            `clear ${rule.clear} must be on the healthy side of value ${rule.value} for op "${rule.op}"`,
          ),
        );
      if (rule.duringMeeting && clearsWrongSide(rule.duringMeeting.value, rule.duringMeeting.clear))
        errors.push(
          at(
            ['rules', index, 'duringMeeting', 'clear'],
            `clear must be on the healthy side of value ${rule.duringMeeting.value} for op "${rule.op}"`,
          ),
        );
      rule.match.forEach((matcher, m) => {
        const bad = matcher.regex ? labelPatternProblem(matcher.value) : null;
        if (bad) errors.push(at(['rules', index, 'match', m, 'value'], bad));
      });
    }
  });
  for (const kind of SINGLE_KINDS) {
    const indexes = rules.rules.flatMap((rule, index) => (rule.kind === kind ? [index] : []));
    for (const index of indexes.slice(1))
      errors.push(at(['rules', index, 'kind'], `only one rule of kind "${kind}" is allowed`));
  }
  for (const kind of REQUIRED_KINDS)
    if (!rules.rules.some((rule) => rule.kind === kind))
      errors.push(at(['rules'], `a rule of kind "${kind}" is required (topology correlation uses it)`));

  const receivers = new Set<string>();
  rules.receivers.forEach((receiver, index) => {
    if (receivers.has(receiver.name))
      errors.push(at(['receivers', index, 'name'], `duplicate receiver "${receiver.name}"`));
    receivers.add(receiver.name);
    const credentials = urlCredentialsProblem(receiver.url);
    if (credentials) errors.push(at(['receivers', index, 'url'], credentials));
    for (const [header, value] of Object.entries(receiver.headers ?? {}))
      if (typeof value !== 'string' && !env[value.env])
        errors.push(at(['receivers', index, 'headers', header, 'env'], missingEnvProblem(header, value.env)));
  });
  const known = () =>
    receivers.size > 0 ? ` (have: ${[...receivers].join(', ')})` : ' (no receivers defined)';
  rules.routes.forEach((route, index) => {
    if (!receivers.has(route.receiver))
      errors.push(at(['routes', index, 'receiver'], `unknown receiver "${route.receiver}"${known()}`));
    route.matchers.forEach((matcher, m) => {
      const bad = matcher.regex ? labelPatternProblem(matcher.value) : null;
      if (bad) errors.push(at(['routes', index, 'matchers', m, 'value'], bad));
    });
  });
  rules.settings.escalation.receivers.forEach((name, index) => {
    if (!receivers.has(name))
      errors.push(at(['settings', 'escalation', 'receivers', index], `unknown receiver "${name}"${known()}`));
  });
  if (rules.settings.retryMax < rules.settings.retryInitial)
    errors.push(at(['settings', 'retryMax'], 'must be at least retryInitial'));
  return errors;
}

/**
 * Parse alert rules already in memory; every error is reported at once with file, line and field.
 * Header secrets are checked against `env`, the environment the CLI passes in (the engine reads them
 * from the same record when it starts); without one, every `{ env: NAME }` reference is reported.
 */
export function loadAlertRulesText(file: string, text: string, env: Env = {}): RulesLoadResult {
  const source = YamlSource.parse(file, text);
  const syntax = source.syntaxErrors();
  if (syntax.length > 0)
    return {
      ok: false,
      errors: syntax.map((e) => ({ file, line: e.line, field: '(yaml)', message: e.message })),
    };
  const at = (path: PropertyKey[], message: string): RulesError => ({
    file,
    line: source.lineOf(path),
    field: formatFieldPath(path),
    message,
  });
  const parsed = alertRulesSchema.safeParse(source.doc.toJS());
  if (!parsed.success) return { ok: false, errors: schemaErrors(parsed.error, at) };
  const errors = crossCheck(parsed.data, at, env);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rules: parsed.data };
}

function schemaErrors(
  error: z.ZodError,
  at: (path: PropertyKey[], message: string) => RulesError,
): RulesError[] {
  return error.issues.map((issue) => at(issue.path, issue.message));
}

/** Load and validate an alert-rules file (default: the shipped configs/alert-rules.yaml). */
export function loadAlertRules(file: string = DEFAULT_RULES_FILE, env: Env = {}): RulesLoadResult {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    return { ok: false, errors: [{ file: displayPath(path), line: 0, field: '(file)', message: reason }] };
  }
  return loadAlertRulesText(displayPath(path), text, env);
}

export function formatRulesError(error: RulesError): string {
  return `${error.file}:${error.line} ${error.field}: ${error.message}`;
}
