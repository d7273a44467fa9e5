/**
 * axe-core inside the page under test: inject the library once per page (a single-page app keeps it
 * across its hash routes), scan the document and return the serious and critical violations with
 * the elements they name, for a readable failure.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

export async function seriousViolations(page: Page): Promise<AxeFinding[]> {
  const loaded = await page.evaluate('typeof window.axe');
  if (loaded === 'undefined') await page.addScriptTag({ content: AXE_SOURCE });
  // A string, not a function: the test compiler may wrap closures in helpers the page does not have.
  // Transitions and animations at their end state first: axe judges contrast on the colours that
  // stay, not on a frame of a fade (no pause standing in for it); endless ones are cancelled.
  const findings = await page.evaluate<AxeFinding[]>(`(async () => {
    for (const animation of document.getAnimations()) {
      try { animation.finish(); } catch { animation.cancel(); }
    }
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  })()`);
  return findings;
}
