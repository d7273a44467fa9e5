/**
 * Fuzz at the inventory loader: an operator's YAML (and its credentials file) is text we did not
 * write. Mutations of the shipped examples, YAML's sharp edges spliced in (anchors and alias bombs,
 * merge keys, tags, tabs, flow collections) and random bytes must each load or come back as errors
 * with file, line and field — never an exception, never a hang.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadInventoryText } from '../../inventory/index';
import { fuzz } from './mutator';

const example = readFileSync('configs/examples/zhaoqing.yaml');
const credentials = readFileSync('configs/examples/nanyang.credentials.yaml');
/** Fragments the mutator splices in. */
const YAML_EDGES = [
  'a: &a ["x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c]\n',
  '<<: *missing\n',
  'nodes: !!js/function "function () {}"\n',
  'nodes:\n\t- id: tab\n',
  'nodes: {id: [x, {y: [z, ',
  'id: "\\u0000\\uD800"\n',
  '? [complex, key]\n: value\n',
  '---\n...\n---\n',
].map((text) => Buffer.from(text));

describe('fuzz: inventory YAML', () => {
  // Found by this fuzz: the YAML library's toJS() threw out of the loader on these.
  it.each([
    ['an unresolved alias', 'zones: []\nnodes: *missing\n', 2],
    ['an alias bomb', `zones: []\n${YAML_EDGES[0]!.toString()}`, 3],
  ])('%s is an error on its line, not an exception', (_name, text, line) => {
    const result = loadInventoryText('fuzz.yaml', text);
    expect(result).toMatchObject({ ok: false, errors: [{ file: 'fuzz.yaml', line, field: '(yaml)' }] });
  });

  it('loads or lists errors with a line and a field, never throws', async () => {
    const seeds = [example, credentials, ...YAML_EDGES];
    const ran = await fuzz(
      seeds,
      { seed: 0x1a2b, count: 400, budgetMs: 6000, maxRandomBytes: 1024 },
      (bytes) => {
        const text = bytes.toString('utf8');
        for (const result of [
          loadInventoryText('fuzz.yaml', text),
          loadInventoryText('fuzz.yaml', example.toString('utf8'), text),
        ]) {
          if (result.ok) continue;
          expect(result.errors.length).toBeGreaterThan(0);
          for (const error of result.errors) {
            expect(error.message).toMatch(/\S/);
            expect(error.field).toMatch(/\S/);
            expect(Number.isInteger(error.line)).toBe(true);
          }
        }
      },
    );
    expect(ran).toBeGreaterThan(0);
  });
});
