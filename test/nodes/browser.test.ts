/**
 * The editor in a real browser: Node-RED with the package installed in its userDir, opened in
 * headless Debian Chromium through playwright-core. Finds the nodes in the palette, opens every
 * node's edit dialog, waits for the lock list the account serves, and saves a screenshot of each
 * (test-output/node-red-editor/*.png, git-ignored). Skips without /usr/bin/chromium unless
 * LOCKBRIDGE_REQUIRE_BROWSER is set (CI sets it, so a missing browser fails there).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT } from './support/harness';
import { startNodeRed, type NodeRedProcess } from './support/node-red-process';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-output', 'node-red-editor');
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const TAB = 'b_tab';
const FLOW = [
  { id: TAB, type: 'tab', label: 'lockbridge' },
  {
    id: 'b_acc',
    type: 'lockbridge-account',
    name: 'Sandbox',
    mode: 'vendor',
    vendor: 'sandbox',
    sandboxVendors: 'august, unloc',
  },
  {
    id: 'b_lock',
    type: 'lockbridge-lock',
    z: TAB,
    x: 200,
    y: 80,
    account: 'b_acc',
    lock: '',
    command: 'UNLOCK',
    wires: [[], []],
  },
  {
    id: 'b_state',
    type: 'lockbridge-state',
    z: TAB,
    x: 200,
    y: 160,
    account: 'b_acc',
    lock: '',
    events: 'all',
    wires: [[]],
  },
  {
    id: 'b_code',
    type: 'lockbridge-code',
    z: TAB,
    x: 200,
    y: 240,
    account: 'b_acc',
    lock: '',
    action: 'create',
    scheduleKind: 'recurring',
    scheduleDays: 'mo,we',
    scheduleFrom: '08:00',
    scheduleTo: '17:00',
    wires: [[], []],
  },
  {
    id: 'b_share',
    type: 'lockbridge-share',
    z: TAB,
    x: 200,
    y: 320,
    account: 'b_acc',
    lock: '',
    kind: 'duplicate',
    wires: [[], []],
  },
];

describe('nodes: the editor in headless Chromium', function () {
  this.timeout(120_000);
  let nr: NodeRedProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.LOCKBRIDGE_REQUIRE_BROWSER)
        throw new Error(
          `${CHROMIUM} is missing and LOCKBRIDGE_REQUIRE_BROWSER is set: install Debian's chromium`,
        );
      console.log(
        `      (skipped: ${CHROMIUM} is not installed; apt-get install chromium to run the editor test)`,
      );
      this.skip();
    }
    nr = await startNodeRed();
    const res = await fetch(`${nr.url}/flows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
      body: JSON.stringify(FLOW),
    });
    assert.equal(res.status, 204);
    const { chromium } = await import('playwright-core');
    // launch() gives the browser a fresh, empty profile directory of its own.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(nr.url);
    await page.waitForSelector('#red-ui-palette .red-ui-palette-node', { timeout: 30_000 });
    mkdirSync(SHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await nr?.stop();
  });

  it('shows the four flow nodes in the "lockbridge" palette category and the account among config nodes', async () => {
    for (const type of ['lockbridge-lock', 'lockbridge-state', 'lockbridge-code', 'lockbridge-share']) {
      const node = page.locator(
        `#red-ui-palette-container-lockbridge .red-ui-palette-node[data-palette-type="${type}"]`,
      );
      await node.waitFor({ state: 'attached' });
    }
    const config = await page.evaluate(() => {
      const w = window as unknown as { RED: { nodes: { getType(t: string): { category: string } | null } } };
      return w.RED.nodes.getType('lockbridge-account')?.category;
    });
    assert.equal(config, 'config');
    const invalid = await page.evaluate(() => {
      const w = window as unknown as {
        RED: {
          nodes: {
            eachNode(cb: (n: { id: string; valid: boolean }) => void): void;
            eachConfig(cb: (n: { id: string; valid: boolean }) => void): void;
          };
        };
      };
      const bad: string[] = [];
      w.RED.nodes.eachNode((n) => {
        if (!n.valid) bad.push(n.id);
      });
      w.RED.nodes.eachConfig((n) => {
        if (n.valid === false) bad.push(n.id);
      });
      return bad;
    });
    assert.deepEqual(invalid, [], 'every deployed node is valid in the editor');
    await page
      .locator('#red-ui-palette-container-lockbridge')
      .screenshot({ path: join(SHOTS, 'palette.png') });
  });

  async function openEditor(id: string, config: boolean): Promise<void> {
    await page.evaluate(
      ({ id, config }) => {
        const w = window as unknown as {
          RED: {
            nodes: { node(id: string): unknown };
            editor: { edit(n: unknown): void; editConfig(a: string, t: string, id: string): void };
          };
        };
        if (config) w.RED.editor.editConfig('', 'lockbridge-account', id);
        else w.RED.editor.edit(w.RED.nodes.node(id));
      },
      { id, config },
    );
    await page.waitForSelector('.red-ui-tray .red-ui-tray-body', { state: 'visible' });
  }

  async function closeEditor(): Promise<void> {
    await page.click('.red-ui-tray:last-of-type .red-ui-tray-toolbar button:has-text("Cancel")');
    await page.waitForSelector('.red-ui-tray', { state: 'detached' });
  }

  for (const [id, type] of [
    ['b_lock', 'lockbridge-lock'],
    ['b_state', 'lockbridge-state'],
    ['b_code', 'lockbridge-code'],
    ['b_share', 'lockbridge-share'],
  ] as const) {
    it(`opens the ${type} edit dialog, with the lock list from the account`, async () => {
      await openEditor(id, false);
      await page.waitForSelector('#node-input-account', { state: 'attached' });
      // The picker fills from GET lockbridge/accounts/<id>/locks once the account is connected.
      await page.waitForFunction(
        () => document.querySelectorAll('#node-lockbridge-locks option').length > 3,
        undefined,
        {
          timeout: 20_000,
        },
      );
      const options = await page.locator('#node-lockbridge-locks option').allTextContents();
      assert.ok(
        options.some((o) => /Front Door/.test(o)),
        options.join(' | '),
      );
      const labels = await page.locator('.red-ui-tray label').allTextContents();
      assert.ok(
        labels.some((l) => /Lock/.test(l)),
        'the i18n labels are translated',
      );
      assert.ok(!labels.some((l) => new RegExp(`${type}\\.label`).test(l)), 'no raw catalog keys');
      await page.screenshot({ path: join(SHOTS, `${type}.png`) });
      await closeEditor();
    });
  }

  it('opens the lockbridge-account edit dialog with the vendor fields and the connection state', async () => {
    await openEditor('b_acc', true);
    await page.waitForSelector('#node-config-input-vendor', { state: 'visible' });
    await page.waitForFunction(() =>
      /connected/.test(document.querySelector('#lockbridge-2fa-state')?.textContent ?? ''),
    );
    assert.equal(await page.locator('#node-config-input-vendor').inputValue(), 'sandbox');
    await page.screenshot({ path: join(SHOTS, 'lockbridge-account.png') });
    await page.selectOption('#node-config-input-vendor', 'august');
    assert.ok(
      await page.locator('#node-config-input-identifier').isVisible(),
      'August shows its login fields',
    );
    await page.screenshot({ path: join(SHOTS, 'lockbridge-account-august.png') });
    await closeEditor();
    assert.deepEqual(pageErrors, [], 'no script error in the editor');
  });
});
