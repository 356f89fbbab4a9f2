/**
 * Swagger UI as a person uses it: Debian's Chromium, headless, driven by
 * playwright-core, against twins listening on free ports. `make chromium`
 * installs the browser (test-unit depends on it).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { testConfig } from '../config.js';
import { type RunningServer, startServer } from '../server.js';
import { loadSpec, projectRoot } from '../spec/load.js';
import { discoverApis } from './router.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(projectRoot(), 'test-output', 'swagger-ui.png');

let server: RunningServer;
let context: BrowserContext;
let page: Page;
let profile: string;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run 'make chromium' (apt-get install chromium)`);
  server = await startServer(testConfig({ maxscalePort: 0, pipPort: 0 }));
  // A fresh profile each run: nothing cached or remembered from an earlier one.
  profile = mkdtempSync(join(tmpdir(), 'apitwin-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
  context.setDefaultTimeout(30_000);
  page = context.pages()[0] ?? (await context.newPage());
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** The names Swagger UI shows in its spec list: each spec's title and version. */
async function specNames(): Promise<string[]> {
  return Promise.all(
    discoverApis().map(async (api) => {
      const { info } = await loadSpec(api);
      return `${info.title} ${info.version}`;
    }),
  );
}

/** A screenshot of the page from its top down to the end of `last` (the answered call). */
async function screenshotDownTo(last: Locator, path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const box = await last.boundingBox();
  const scrollY = await page.evaluate(() => (globalThis as unknown as { scrollY: number }).scrollY);
  const bottom = box ? Math.min(box.y + scrollY + box.height + 16, 4000) : 1600;
  await page.screenshot({ path, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: bottom } });
}

/** Opens an operation in Swagger UI, presses "Try it out" and "Execute", and reads the live response. */
async function tryItOut(operation: Locator): Promise<{ status: string; body: string }> {
  await operation.locator('.opblock-summary').click();
  await operation.locator('button.try-out__btn').click();
  await operation.locator('button.execute').click();
  const response = operation.locator('.live-responses-table .response');
  await response.first().waitFor();
  const status = (await response.locator('.response-col_status').first().textContent())?.trim() ?? '';
  const body = (await operation.locator('.live-responses-table .response-col_description pre').first().textContent()) ?? '';
  return { status, body };
}

describe('Swagger UI in a browser', { timeout: 180_000 }, () => {
  test('lists both specs, and "Try it out" lists the documented services with Basic credentials', async () => {
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText ?? ''}`));

    await page.goto(`${server.urls.maxscale}/docs`);
    await page.locator('.information-container .title').filter({ hasText: 'MariaDB MaxScale REST API' }).waitFor();

    // Both specs are in the top bar's list.
    const listed = await page.locator('.topbar select option').allTextContents();
    assert.deepEqual(listed.sort(), (await specNames()).sort());
    assert.ok(listed.some((n) => /MaxScale/.test(n)));
    assert.ok(
      listed.some((n) => /[Ss]essions/.test(n) && !/MaxScale/.test(n)),
      `the pip-sessions spec is listed: ${listed.join(', ')}`,
    );

    // Authorize with the default admin user (the spec's basicAuth scheme).
    await page.locator('.scheme-container button.authorize').click();
    const dialog = page.locator('.modal-ux');
    await dialog.locator('input[type=text]').fill('admin');
    await dialog.locator('input[type=password]').fill('mariadb');
    await dialog.locator('button.modal-btn.authorize').click();
    await dialog.locator('button.btn-done').click();

    // GET /services under the /v1 server: Try it out, Execute.
    const operation = page.locator('#operations-services-listServices');
    const { status, body } = await tryItOut(operation);
    assert.equal(status, '200');
    assert.match(body, /Read-Connection-Router/);
    assert.match(body, /RW-Split-Router/);
    const curl = (await operation.locator('.curl-command').textContent()) ?? '';
    assert.match(curl, new RegExp(`${server.urls.maxscale}/v1/services`), 'the call went to the running twin');
    assert.match(curl, /Authorization: Basic YWRtaW46bWFyaWFkYg==/);

    // The screenshot shows the spec list opened (both specs) above the answered call.
    await page.locator('.topbar select').evaluate((select) => {
      // Runs in the page (this project has no DOM typings): show the list as if opened.
      const list = select as unknown as { size: number; options: { length: number }; style: { height: string } };
      list.size = list.options.length;
      list.style.height = 'auto';
    });
    await screenshotDownTo(operation.locator('.live-responses-table'), SCREENSHOT);
    assert.deepEqual(failed, [], 'no request of the page failed (no CDN, no outside call)');
  });

  test('the pip-sessions spec, picked from the list, calls the pip twin on its own port (CORS)', async () => {
    const pipUrl = server.urls.pip;
    const { info } = await loadSpec('pip-sessions');
    await page.locator('.topbar select').selectOption({ label: `${info.title} ${info.version}` });
    await page.locator('.information-container .title').filter({ hasText: info.title }).waitFor();

    // The page is on the MaxScale port: this call is cross-origin, preflighted for its JSON body.
    const operation = page.locator('#operations-sessions-openSession');
    const { status, body } = await tryItOut(operation);
    assert.equal(status, '200');
    assert.match(body, /"user_id": "1"/);
    assert.match(body, /"active": true/);
    const curl = (await operation.locator('.curl-command').textContent()) ?? '';
    assert.match(curl, new RegExp(`${pipUrl}/v1/sessions/open_session`));
    await screenshotDownTo(operation.locator('.live-responses-table'), join(projectRoot(), 'test-output', 'swagger-ui-pip-sessions.png'));
  });

  test('the admin API is the third definition, and "Try it out" lists the fault rules of the running twin', async () => {
    const { info } = await loadSpec('apitwin-admin');
    await page.locator('.topbar select').selectOption({ label: `${info.title} ${info.version}` });
    await page.locator('.information-container .title').filter({ hasText: info.title }).waitFor();
    const operation = page.locator('#operations-faults-listFaults');
    const { status, body } = await tryItOut(operation);
    assert.equal(status, '200');
    assert.match(body, /"rules"/);
    const curl = (await operation.locator('.curl-command').textContent()) ?? '';
    assert.match(curl, new RegExp(`${server.urls.maxscale}/__apitwin/faults`), "the page's own port, under /__apitwin");
  });
});
