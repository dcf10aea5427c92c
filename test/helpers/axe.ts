// axe-core (Deque's accessibility rules engine) run inside a real page, with violations in a form a test can print.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { AxeResults } from 'axe-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * One line per element that fails a rule, or that axe could not check (its "needs review"): rule id, impact, selector,
 * reason. The page is first made tall enough that no scrolled region hides anything: axe cannot check the contrast
 * of text it cannot see.
 */
export async function axeProblems(page: Page): Promise<string[]> {
  await showEverything(page);
  // Evaluated through the DevTools protocol, not a <script> tag, so the page keeps the server's CSP (no inline script);
  // once per page (a second audit of the page, in the other colour scheme, reuses it).
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() => (window as unknown as { axe: { run(): Promise<AxeResults> } }).axe.run());
  const lines = (kind: string, found: AxeResults['violations']) =>
    found.flatMap((v) =>
      v.nodes.map((n) => `${kind} ${v.id} (${v.impact ?? 'no impact'}): ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ') ?? v.help}`),
    );
  return [...lines('violation', results.violations), ...lines('not checked', results.incomplete)];
}

async function showEverything(page: Page): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const hidden = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('*')]
        .filter((e) => /auto|scroll/.test(getComputedStyle(e).overflowY))
        .reduce((sum, e) => sum + Math.max(0, e.scrollHeight - e.clientHeight), 0),
    );
    if (hidden === 0) return;
    const { width, height } = page.viewportSize()!;
    // Three times what is hidden: regions sized in % of the page (max-height: 45%) only grow by part of it.
    await page.setViewportSize({ width, height: height + 3 * hidden });
  }
  throw new Error('the page still scrolls after growing the viewport five times');
}
