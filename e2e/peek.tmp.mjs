import { chromium } from 'playwright-core';
import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
const [url, key, hash, out, y, h] = process.argv.slice(2);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peek-'));
const ctx = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1280, height: 900 },
 args: ['--headless','--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
const page = ctx.pages()[0];
await page.goto(url + '#/login');
await page.fill('#api-key', key); await page.press('#api-key', 'Enter');
await page.locator('#whoami').filter({hasText: 'analyst'}).waitFor();
await page.goto(url + hash); await page.waitForTimeout(1500);
await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: Number(y), width: 1280, height: Number(h) } });
await ctx.close(); fs.rmSync(dir, {recursive: true, force: true});
