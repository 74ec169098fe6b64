/* The registry check's browser step: the fresh app in headless Chromium (Debian's, via
 * playwright-core). Signs in as guest, opens /kamaji and a tenant cluster's entity page, and fails
 * when the fleet's tenants are not shown or the browser logs any console error.
 *   APP_URL=http://localhost:7807 ENTITY_PATH=/catalog/default/resource/<name> TENANT=<name> ISLAND=<name> \
 *     node scripts/registry-check/browser.mjs
 */
import { chromium } from 'playwright-core';

const { APP_URL, ENTITY_PATH, TENANT, ISLAND } = process.env;
const WAIT = { timeout: 120_000 };
const errors = [];

const browser = await chromium.launch({
  executablePath: process.env.KB_CHROMIUM ?? '/usr/bin/chromium',
  args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
});
try {
  const page = await browser.newPage({
    viewport: { width: 1400, height: 1000 },
  });
  page.on(
    'console',
    m =>
      m.type() === 'error' &&
      errors.push(`console: ${m.text()} (${page.url()})`),
  );
  page.on('pageerror', e =>
    errors.push(`page error: ${e.message} (${page.url()})`),
  );

  // create-app's sign-in page offers the guest provider.
  await page.goto(APP_URL, WAIT);
  const enter = page.getByRole('button', { name: 'Enter' });
  await enter.waitFor(WAIT);
  await enter.click();
  await enter.waitFor({ state: 'detached', ...WAIT });

  await page.goto(`${APP_URL}/kamaji`, WAIT);
  const tree = page.getByRole('tree', { name: 'Fleet topology' });
  await tree.waitFor(WAIT);
  const summary = page.getByText(/\d+ tenants on \d+ islands/).first();
  await summary.waitFor(WAIT);
  const island = tree.getByRole('treeitem', { name: ISLAND, exact: true });
  await island.waitFor(WAIT);
  if ((await island.getAttribute('aria-expanded')) !== 'true') {
    await island.focus();
    await island.press('ArrowRight');
  }
  await tree.getByRole('treeitem', { name: TENANT, exact: true }).waitFor(WAIT);
  console.log(
    `  /kamaji: ${(
      await summary.textContent()
    ).trim()}; ${ISLAND} shows ${TENANT}`,
  );

  await page.goto(`${APP_URL}${ENTITY_PATH}`, WAIT);
  await page.getByText('Cluster overview').first().waitFor(WAIT);
  await page.getByText(TENANT).first().waitFor(WAIT);
  // Let the cards finish their requests before judging the console.
  await page.waitForLoadState('networkidle', WAIT).catch(() => undefined);
  console.log(`  ${ENTITY_PATH}: the Cluster overview card of ${TENANT}`);
  if (process.env.SCREENSHOT)
    await page.screenshot({ path: process.env.SCREENSHOT });
} finally {
  await browser.close();
}
if (errors.length) {
  console.error(`browser console errors:\n  ${errors.join('\n  ')}`);
  process.exit(1);
}
console.log('  no browser console errors');
