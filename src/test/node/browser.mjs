#!/usr/bin/env node
// A headless Chromium for the end-to-end tests, driven by playwright-core (no browser of Playwright's own: the
// machine's Chromium, /usr/bin/chromium unless --chromium says otherwise).
//
//   node browser.mjs --profile DIR [--chromium PATH]
//
// Control channel: one JSON object per line, as agent.mjs.
//   stdin  <- {"id":"c1","cmd":"goto","url":"http://127.0.0.1:PORT/console/"}
//             {"id":"c2","cmd":"wait","selector":"tr[data-worker-id='…']","state":"visible"|"detached","timeout_ms":5000}
//             {"id":"c3","cmd":"click","selector":"…"}   {"cmd":"fill","selector":"…","value":"…"}
//             {"cmd":"press","selector":"…","hold_ms":1500} (a click whose button is held down that long)
//             {"cmd":"text","selector":"…"}   {"cmd":"value","selector":"…"} (a form field's)
//             {"cmd":"count","selector":"…"}   {"cmd":"screenshot","path":"…","full_page":true}   {"cmd":"exit"}
//   stdout -> {"event":"reply","id":"c1","ok":true,"value":…} or {"event":"reply","id":"c1","ok":false,"error":"…"}
//             {"event":"ready"} once the browser runs; {"event":"console","type":"error","text":"…"} for the page's
//             console errors and uncaught exceptions.

import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const option = name => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

function emit(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

const browser = await chromium.launchPersistentContext(option('profile'), {
  executablePath: option('chromium') ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1440, height: 1000 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = browser.pages()[0] ?? await browser.newPage();
page.on('console', message => {
  if (message.type() === 'error') emit({ event: 'console', type: 'error', text: message.text() });
});
page.on('pageerror', error => emit({ event: 'console', type: 'error', text: String(error) }));

const commands = {
  goto: c => page.goto(c.url, { waitUntil: 'load' }).then(response => response?.status()),
  wait: c => page.waitForSelector(c.selector, { state: c.state ?? 'visible', timeout: c.timeout_ms ?? 5000 })
    .then(() => true),
  click: c => page.click(c.selector, { timeout: c.timeout_ms ?? 5000 }).then(() => true),
  press: async c => {
    await page.hover(c.selector, { timeout: c.timeout_ms ?? 5000 });
    await page.mouse.down();
    await page.waitForTimeout(c.hold_ms);
    await page.mouse.up();
    return true;
  },
  fill: c => page.fill(c.selector, c.value, { timeout: c.timeout_ms ?? 5000 }).then(() => true),
  text: c => page.textContent(c.selector, { timeout: c.timeout_ms ?? 5000 }),
  value: c => page.inputValue(c.selector, { timeout: c.timeout_ms ?? 5000 }),
  count: c => page.locator(c.selector).count(),
  screenshot: c => page.screenshot({ path: c.path, fullPage: c.full_page ?? false }).then(() => c.path),
  exit: async () => {
    await browser.close();
    setImmediate(() => process.exit(0));
    return true;
  },
};

createInterface({ input: process.stdin }).on('line', async line => {
  let command;
  try {
    command = JSON.parse(line);
    const run = commands[command.cmd];
    if (!run) throw new Error(`unknown command ${command.cmd}`);
    emit({ event: 'reply', id: command.id, ok: true, value: await run(command) ?? null });
  } catch (error) {
    emit({ event: 'reply', id: command?.id, ok: false, error: String(error?.message ?? error) });
  }
}).on('close', () => browser.close().finally(() => process.exit(0)));

emit({ event: 'ready' });
