// Node-only helpers for the end-to-end suites (apps/<app>/e2e/*.e2e.ts), run by scripts/e2e.ts.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export interface SuiteContext {
  /** Server origin, e.g. http://127.0.0.1:43123 */
  baseUrl: string;
  browser: Browser;
  /** A fresh browser context per suite (own cookies and localStorage). */
  context: BrowserContext;
  page: Page;
  /** Saves .tmp/screenshots/<suite>-<name>.png (full page). */
  screenshot(name: string): Promise<void>;
  /** Injects axe-core and fails on any violation of impact serious or critical. */
  checkAccessibility(label: string): Promise<void>;
  /** Records one named step; after a failed step the rest of the suite is skipped. */
  step(name: string, fn: () => Promise<void>): Promise<void>;
}

export interface Suite {
  name: string;
  run(t: SuiteContext): Promise<void>;
}

export const defineSuite = (suite: Suite) => suite;

const require = createRequire(import.meta.url);
export const screenshotDir = join(process.cwd(), '.tmp', 'screenshots');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // A dialog fading out is half transparent: checked mid-animation its text fails contrast. Check the
  // page at rest (Element Plus marks a closing dialog .is-closing; Vue leave transitions *-leave-active).
  await page.waitForFunction(() => !document.querySelector('.is-closing, [class*="-leave-active"]'), undefined, {
    timeout: 5000,
  });
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.addScriptTag({ path: require.resolve('axe-core') });
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function makeScreenshot(page: Page, suite: string) {
  mkdirSync(screenshotDir, { recursive: true });
  return async (name: string) => {
    // Drawers and dialogs still sliding in are shown where they come to rest.
    await page.screenshot({
      path: join(screenshotDir, `${suite}-${name}.png`),
      fullPage: true,
      animations: 'disabled',
    });
  };
}

export function formatViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `  [${v.impact}] ${v.id}: ${v.help}\n${v.nodes.map((n) => `      at ${JSON.stringify(n.target)}${n.failureSummary ? `\n        ${n.failureSummary.replace(/\n/g, '\n        ')}` : ''}`).join('\n')}`,
    )
    .join('\n');
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Fails when the page scrolls sideways wider than `width` (a phone's 390 px): content wraps or scrolls in its own box. */
export async function assertFits(page: Page, width: number, what: string): Promise<void> {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert(
    scrollWidth <= width,
    `${what} should fit ${width} px without sideways scrolling, scroll width ${scrollWidth}`,
  );
}
