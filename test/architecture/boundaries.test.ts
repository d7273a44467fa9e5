import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { partBoundaryConfigs } from '../../eslint/part-boundaries.js';
import { ROOT } from './source-graph';

/** Lints a snippet as if it were a file of the project, with only the boundary rules. */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [{ languageOptions: { parser: tseslint.parser } }, ...partBoundaryConfigs()],
  });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.message);
}

describe('part boundaries (eslint/part-boundaries.js)', () => {
  it("refuses what a part's README says it must never import", async () => {
    const errors = await boundaryErrors('bus/probe.ts', "import type { Alert } from '../alerts';\n");
    expect(errors.join('\n')).toContain('bus must never import alerts');
    expect(
      await boundaryErrors('collector/poll/probe.ts', "import { x } from '../../simulator';\n"),
    ).toHaveLength(1);
    expect(
      await boundaryErrors('console/web/src/lib/probe.ts', "import { x } from '../../../../inventory';\n"),
    ).toHaveLength(1);
    expect(
      await boundaryErrors('bench/probe.ts', "import { x } from '../test/support/influxd';\n"),
    ).toHaveLength(1);
  });

  it("refuses an import that bypasses a part's index.ts, and allows the face", async () => {
    const inner = await boundaryErrors('alerts/probe.ts', "import { x } from '../inventory/topology';\n");
    expect(inner.join('\n')).toContain('import inventory through its face');
    expect(await boundaryErrors('alerts/probe.ts', "import { Topology } from '../inventory';\n")).toEqual([]);
    expect(await boundaryErrors('alerts/probe.ts', "import { x } from '../inventory/index';\n")).toEqual([]);
    expect(await boundaryErrors('console/server/probe.ts', "import { x } from '../shared';\n")).toEqual([]);
  });

  it('allows the inner imports listed with a reason, and nothing next to them', async () => {
    expect(
      await boundaryErrors('cli/commands/probe.ts', "import { x } from '../../pki/revocation-reasons';\n"),
    ).toEqual([]);
    expect(
      await boundaryErrors('cli/commands/probe.ts', "import { x } from '../../pki/store';\n"),
    ).toHaveLength(1);
  });

  it('is wired into the project configuration that CI runs', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const config = (await eslint.calculateConfigForFile('bus/index.ts')) as {
      rules: Record<string, unknown>;
    };
    const busBlock = partBoundaryConfigs().find((block) => block.files[0] === 'bus/**/*.ts');
    const [severity, options] = config.rules['no-restricted-imports'] as [number, unknown];
    expect(severity).toBe(2);
    expect(options).toEqual(busBlock?.rules['no-restricted-imports'][1]);
  });
});
