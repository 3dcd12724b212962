// End-to-end test of the Yalu analyst workbench in headless Chromium.
//
//   node workbench.spec.mjs --url http://127.0.0.1:PORT/ --keys KEYS.json [--screenshots DIR]
//
// KEYS.json is what `yalu demo --keys-out` writes: {"keys": {"analyst",
// "second_analyst", ...}}. The script signs in by pasting the analyst key,
// screens a name, opens a case from the queue, closes it as a true match,
// signs out and in again as the second analyst to approve the closing (four
// eyes), opens the dashboard, and saves a screenshot of each step. The
// investigator's path: the queue of investigations by priority, bulk
// assignment, the highest-priority investigation with its timeline and
// network, its four-eyes closing, the audit log exported with names. It also
// checks what a keyboard or screen-reader user relies on: every form
// control has a label, ids are unique, results are announced in a live
// region, and nothing is loaded from another origin.
//
// Exit status 0 when every check holds; otherwise 1, with the failure on
// stderr. The last line on stdout is a JSON summary.
//
// Chromium is Debian's /usr/bin/chromium (YALU_CHROMIUM overrides it),
// driven by playwright-core; no browser is downloaded.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function args() {
  const out = { screenshots: path.join(here, 'screenshots') };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 1) {
    const name = argv[i].replace(/^--/, '');
    out[name] = argv[i + 1];
    i += 1;
  }
  if (!out.url || !out.keys) {
    console.error('usage: node workbench.spec.mjs --url URL --keys KEYS.json [--screenshots DIR]');
    process.exit(2);
  }
  return out;
}

const opts = args();
const base = opts.url.endsWith('/') ? opts.url : `${opts.url}/`;
const origin = new URL(base).origin;
const keys = JSON.parse(fs.readFileSync(opts.keys, 'utf8')).keys;
fs.mkdirSync(opts.screenshots, { recursive: true });

const failures = [];
const steps = [];
function check(condition, what) {
  if (!condition) failures.push(what);
  return condition;
}
function step(name) {
  steps.push(name);
  console.log(`step: ${name}`);
}

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'yalu-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.YALU_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
const page = context.pages()[0] || await context.newPage();
page.setDefaultTimeout(15000);

const consoleErrors = [];
const foreign = [];
page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
page.on('console', (m) => {
  // A refused action (403/422) is logged by Chromium as a failed resource;
  // the test provokes none of those, so any error counts.
  if (m.type() === 'error') consoleErrors.push(`console: ${m.text()}`);
});
page.on('request', (r) => {
  const u = r.url();
  if (!u.startsWith(origin) && !u.startsWith('data:')) foreign.push(u);
});

const shots = [];
async function shot(name) {
  const file = path.join(opts.screenshots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  shots.push(file);
}

/** Checks every form control has an accessible label and ids are unique. */
async function checkAccessible(where) {
  const problems = await page.evaluate(() => {
    const out = [];
    for (const c of document.querySelectorAll('input, select, textarea')) {
      if (c.type === 'hidden' || c.type === 'radio') continue;
      const labelled = (c.labels && c.labels.length) || c.getAttribute('aria-label') || c.getAttribute('aria-labelledby');
      if (!labelled) out.push(`unlabelled ${c.tagName.toLowerCase()}#${c.id || '?'}`);
    }
    for (const r of document.querySelectorAll('input[type=radio]')) {
      if (!r.closest('label') && !(r.labels && r.labels.length)) out.push(`unlabelled radio ${r.value}`);
      if (!r.closest('fieldset')) out.push(`radio ${r.value} outside a fieldset`);
    }
    const ids = new Map();
    for (const e of document.querySelectorAll('[id]')) ids.set(e.id, (ids.get(e.id) || 0) + 1);
    for (const [id, n] of ids) if (n > 1) out.push(`duplicate id ${id}`);
    for (const t of document.querySelectorAll('main table')) {
      if (!t.querySelector('th')) out.push('a table without headers');
    }
    if (!document.querySelector('main h1')) out.push('no h1 in main');
    return out;
  });
  for (const p of problems) failures.push(`${where}: ${p}`);
}

async function signIn(key, who) {
  await page.goto(`${base}#/login`);
  const input = page.locator('#api-key');
  await input.waitFor();
  // Keyboard only: focus the field, paste, press Enter.
  await input.fill('');
  await input.focus();
  await page.keyboard.insertText(key);
  await page.keyboard.press('Enter');
  await page.locator('#whoami').filter({ hasText: who }).waitFor();
  check(await page.locator('#mainnav').isVisible(), `navigation visible after signing in as ${who}`);
}

let caseId = null;
try {
  step('the page loads from the server alone and shows the sign-in form');
  const response = await page.goto(base);
  check(response && response.ok(), 'GET / answers 200');
  check((response.headers()['content-security-policy'] || '').includes("default-src 'self'"), 'the page is served with a same-origin CSP');
  await page.locator('#api-key').waitFor();
  check(await page.locator('a.skip-link').count() === 1, 'a skip link exists');
  const keyHint = await page.locator('#api-key-hint').innerText();
  check(!keyHint.includes('`') && await page.locator('#api-key-hint code').count() === 2, `the sign-in hint shows commands as code, not backticks ("${keyHint}")`);
  await checkAccessible('sign-in');

  step('a wrong key is refused with a message');
  await page.locator('#api-key').fill('yalu_000000000000_wrong');
  await page.keyboard.press('Enter');
  await page.locator('#login-status .notice.error').waitFor();
  await shot('00-sign-in-refused');
  // The failed sign-in's 401 shows as a console error in Chromium: expected.
  consoleErrors.length = 0;

  step('sign in as the analyst');
  await signIn(keys.analyst, 'analyst one');
  check(await page.evaluate(() => location.hash) === '#/screen', 'signing in leads to screening');

  step('screen a name with birth date and nationality');
  await page.locator('#q-name').fill('Kim Jong Un');
  await page.locator('#q-birth').fill('1984-01-08');
  await page.locator('#q-nat').fill('North Korea');
  await page.locator('#q-nat').press('Enter');
  await page.locator('#results-summary').waitFor();
  const firstHit = page.locator('.results .hit').first();
  await firstHit.waitFor();
  const firstTitle = await firstHit.locator('h3').innerText();
  check(/KIM/i.test(firstTitle) && /Jong Un/i.test(firstTitle), `the first hit is Kim Jong Un (got "${firstTitle}")`);
  check(await firstHit.locator('.badge.match-yes').count() === 1, 'the first hit is marked as a match');
  await firstHit.locator('details summary').click();
  const features = await firstHit.locator('details tbody tr').count();
  check(features >= 2, `the explanation lists the features scored (${features})`);
  await page.waitForFunction(() => /result/.test(document.getElementById('announcer').textContent));
  const announced = await page.locator('#announcer').innerText();
  check(/result/.test(announced), `results are announced in the live region ("${announced}")`);
  await checkAccessible('screening');
  await shot('01-screening');

  step('screen the same person written in Hangul');
  await page.locator('#q-name').fill('김정은');
  await page.locator('#q-name').press('Enter');
  await page.locator('#results-summary', { hasText: '김정은' }).waitFor();
  const hangulTitle = await page.locator('.results .hit h3').first().innerText();
  check(/Jong Un/i.test(hangulTitle), `Hangul finds Kim Jong Un (got "${hangulTitle}")`);

  step('search "Mansudae" as you type, open the group, reach a linked person');
  const GROUP = /MANSUDAE OVERSEAS PROJECT GROUP/i;
  await page.locator('#instant-q').fill('Mansu');
  await page.locator('#instant-status', { hasText: 'Mansu”' }).waitFor();
  check(await page.locator('#instant-results a', { hasText: GROUP }).count() >= 1, 'the prefix "Mansu" finds the group');
  await page.locator('#instant-q').fill('Mansudae');
  await page.locator('#instant-status', { hasText: 'Mansudae”' }).waitFor();
  // The demo also serves the real OFAC and UN DPRK designations, which hold
  // the same group: open the fixture's entry, whose links the test knows.
  check(await page.locator('#instant-results a', { hasText: GROUP }).count() >= 2, 'the word "Mansudae" finds the group on several lists');
  const groupLink = page.locator('#instant-results a[href="#/entities/e2e-mopg"]');
  check(await groupLink.count() === 1, 'the word "Mansudae" finds the group of the network fixture');
  await groupLink.click();
  await page.locator('#entity-title', { hasText: GROUP }).waitFor();
  const entityText = await page.locator('main').innerText();
  check(/Mansudae Art Studio/.test(entityText), 'the entity page lists every name');
  check(/DPRK3/.test(entityText), 'the entity page lists the programme');
  check(/e2e_network/.test(entityText), 'the entity page lists the source dataset');
  check(await page.locator('main svg.network').count() === 1, 'the network is drawn');
  const person = page.locator('#entity-links a', { hasText: /KIM, Tong-chol/ });
  check(await person.count() === 1, 'the accessible list of links names the managing director');
  check(/Directorship/.test(await page.locator('#entity-links').innerText()), 'the list says how they are linked');
  await checkAccessible('entity page');
  await shot('07-entity');
  await person.click();
  await page.locator('#entity-title', { hasText: /KIM, Tong-chol/ }).waitFor();
  check(await page.locator('#entity-links a', { hasText: GROUP }).count() === 1, 'the person\'s page links back to the group');
  check(await page.locator('#entity-links a', { hasText: /ARCHITECTURAL/ }).count() === 1, 'and to the subsidiary he directs');

  step('the screening page says which lists it searches, and real DPRK designations hit');
  await page.goto(`${base}#/screen`);
  await page.locator('#lists-summary').waitFor();
  const listsSummary = await page.locator('#lists-summary').innerText();
  check(/^[\d,]+ entries in \d+ lists:$/.test(listsSummary.trim()), `the page states the entries and lists searched ("${listsSummary}")`);
  const datasets = await page.locator('#screen-lists input[name="dataset"]').evaluateAll((bs) => bs.map((b) => b.value));
  check(datasets.includes('un_sc_sanctions') && datasets.includes('us_ofac_sdn'), `the UN and OFAC lists can be picked (${datasets.join(', ')})`);
  await page.locator('#q-schema').selectOption('Organization');
  await page.locator('#q-birth').fill('');
  await page.locator('#q-nat').fill('');
  for (const [query, expect] of [['Mansudae Overseas Project', /MANSUDAE/i], ['Korea Namgang Trading', /NAMGANG/i], ['KOMID', /KOREA MINING DEVELOPMENT|KOMID/i]]) {
    await page.locator('#q-name').fill(query);
    await page.locator('#q-name').press('Enter');
    await page.locator('#results-summary', { hasText: query }).waitFor();
    const top = await page.locator('.results .hit h3').first().innerText().catch(() => '');
    check(expect.test(top), `screening "${query}" finds the designation (got "${top}")`);
  }
  // Only the UN list: every result comes from it.
  for (const d of datasets) if (d !== 'un_sc_sanctions') await page.locator(`#screen-lists input[value="${d}"]`).uncheck();
  await page.locator('#q-name').fill('Mansudae Overseas Projects');
  await page.locator('#q-name').press('Enter');
  await page.locator('#results-summary', { hasText: 'Mansudae Overseas Projects' }).waitFor();
  const props = await page.locator('.results .hit .props').allInnerTexts();
  check(props.length > 0 && props.every((t) => /un_sc_sanctions/.test(t) && !/us_ofac_sdn/.test(t)), `with only the UN list picked, every result is from it (${props.length})`);
  await shot('01b-screening-lists');

  step('the queue lists investigations, highest priority first, one compact line each');
  await page.locator('nav[aria-label="Main"] a', { hasText: 'Cases' }).click();
  await page.locator('#case-table.queue').waitFor();
  const heads = await page.locator('#case-table thead th').allInnerTexts();
  for (const h of ['Subject', 'Rules', 'Workers', 'Revenue', 'Status', 'Assignee', 'Age']) {
    check(heads.some((t) => t.trim().toLowerCase() === h.toLowerCase()), `the queue has a ${h} column (${heads.join(', ')})`);
  }
  const priorities = (await page.locator('#case-table tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.dataset.priority))));
  check(priorities.length > 1, `the queue lists investigations (${priorities.length})`);
  check(priorities.every((p, i) => i === 0 || priorities[i - 1] >= p), `the queue is sorted by priority (${priorities.slice(0, 5).join(', ')}...)`);
  const firstLine = await page.locator('#case-table tbody tr').first().innerText();
  check(/Investigation \d+/.test(firstLine), `the first line is an investigation ("${firstLine.replace(/\s+/g, ' ').slice(0, 100)}")`);
  const badges = await page.locator('#case-table tbody tr').first().locator('.badge.rule').count();
  check(badges >= 1, `the first investigation shows its rules as badges (${badges})`);
  const topSubject = await page.locator('#case-table tbody tr th a').first().innerText();
  await checkAccessible('investigation queue');
  await shot('02-case-queue');

  step('bulk-assign the two highest-priority investigations to me');
  const boxes = page.locator('#case-table tbody .select-case');
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await page.locator('#bulk-assign-me').click();
  await page.locator('main .notice.info', { hasText: 'Assigned to you: 2 done' }).waitFor();
  const assignees = await page.locator('#case-table tbody tr td:nth-child(7)').allInnerTexts();
  check(assignees.slice(0, 2).every((t) => /^analyst one \([0-9a-f]{12}\)$/.test(t.trim())), `both show the assignee by name, key id beside (${assignees.slice(0, 2).join(' | ')})`);
  await shot('02b-bulk-assigned');

  step('every alert of one rule, through the kind and rule filters');
  await page.locator('#f-kind').selectOption('alert');
  const rules = await page.locator('#f-rule option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  check(rules.length > 0, 'the rule filter offers the rules that have cases');
  const preferred = ['GROUP_CROSSING_TO_SITE', 'NONWORK_VISA_EMPLOYMENT', 'VISA_RUN_CYCLE'].find((r) => rules.includes(r)) || rules[0];
  await page.locator('#f-rule').selectOption(preferred);
  // A select does not submit its form on Enter: Tab to the button.
  await page.locator('#f-rule').focus();
  let tabs = 0;
  while (tabs < 8 && !(await page.evaluate(() => document.activeElement && document.activeElement.textContent === 'Apply filters'))) {
    await page.keyboard.press('Tab');
    tabs += 1;
  }
  await page.keyboard.press('Enter');
  await page.waitForFunction((r) => location.hash.includes(`rule=${r}`), preferred);
  // The table says which query it shows: wait for the filtered one.
  await page.locator(`#case-table[data-query*="rule=${preferred}"]`).waitFor();
  const ruleCells = await page.locator('#case-table tbody tr td:nth-child(3)').allInnerTexts();
  check(ruleCells.length > 0, `cases of rule ${preferred} are listed`);
  check(ruleCells.every((t) => t.trim().toLowerCase() === preferred.replace(/_/g, ' ').toLowerCase()), `every listed case is of rule ${preferred}`);
  await checkAccessible('case queue');
  await shot('02c-alerts-of-one-rule');

  step('open the highest-priority investigation and read its evidence');
  await page.goto(`${base}#/cases`);
  // The default queue (not the filtered table still on the page).
  await page.locator('#case-table[data-query*="scope=units"]').waitFor();
  const link = page.locator('#case-table tbody tr th a').first();
  const caseTitle = await link.innerText();
  check(caseTitle === topSubject, `the same investigation leads the queue ("${caseTitle}")`);
  await link.focus();
  await page.keyboard.press('Enter');
  await page.locator('main h1', { hasText: caseTitle }).waitFor();
  caseId = decodeURIComponent((await page.evaluate(() => location.hash)).split('/')[2]);
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.tagName);
  check(focused === 'H1', `focus moves to the case heading (got ${focused})`);
  const members = await page.locator('#member-table tbody tr').count();
  check(members >= 1, `the investigation lists its alerts and hits (${members})`);
  // A scheme of hundreds of alerts: its first alerts, the diagrams and one
  // folded line per subject, not a page tens of thousands of pixels tall.
  const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
  check(pageHeight < 12000, `the investigation's page is ${pageHeight} px tall (under 12,000)`);
  const timelineRows = await page.locator('#timeline-table tbody tr').count();
  const networkItems = await page.locator('#network-list li').count();
  check(timelineRows > 0, `the timeline lists the investigation's events (${timelineRows})`);
  check(networkItems > 0, `the network is also given as a list (${networkItems} items)`);
  if (timelineRows > 0) {
    check(await page.locator('section[aria-labelledby="timeline-title"] svg[role="img"] desc').count() === 1, 'the timeline drawing has a text description');
  }
  if (networkItems > 0) {
    check(await page.locator('section[aria-labelledby="network-title"] svg[role="img"] desc').count() === 1, 'the network drawing has a text description');
  }
  const timelineText = await page.locator('#timeline-table').innerText();
  const doubled = timelineText.match(/\b(\w+) \1\b/i);
  check(!doubled, `no event is described with a doubled word (found "${doubled && doubled[0]}")`);
  // The diagrams: one row per person, legend colours that match, details
  // on focus, zoom, a network without edges behind boxes, neighbours.
  const rowsDrawn = await page.locator('section[aria-labelledby="timeline-title"] svg text.svg-label').count();
  check(rowsDrawn >= 1, `the timeline draws one labelled row per person (${rowsDrawn})`);
  const unmatched = await page.evaluate(() => {
    const rgb = (c) => { const e = document.createElement('i'); e.style.color = c; document.body.append(e); const v = getComputedStyle(e).color; e.remove(); return v; };
    const section = document.querySelector('section[aria-labelledby="timeline-title"]');
    const legend = new Set([...section.querySelectorAll('.legend .sw')].map((s) => getComputedStyle(s).backgroundColor));
    return [...section.querySelectorAll('svg .mark')].map((m) => rgb(m.getAttribute('fill'))).filter((c) => !legend.has(c));
  });
  check(unmatched.length === 0, `every event colour is in the legend (${[...new Set(unmatched)].join(', ')})`);
  const permitMarks = await page.locator('svg .mark[aria-label*="ermit"]').evaluateAll((ms) => ms.map((m) => m.getAttribute('fill')));
  check(permitMarks.every((f) => f === permitMarks[0]) && !permitMarks.includes('#e39b3b'), `permits are not drawn in the placement colour (${[...new Set(permitMarks)].join(', ')})`);
  await page.locator('section[aria-labelledby="timeline-title"] svg .mark').first().focus();
  const eventDetail = await page.locator('#timeline-detail').innerText();
  check(/\d{4}-\d{2}-\d{2}/.test(eventDetail), `focusing an event shows its details ("${eventDetail.slice(0, 80)}")`);
  const [zFrom, zTo] = await page.evaluate(() => [document.getElementById('zoom-from').value, document.getElementById('zoom-to').value]);
  const mid = new Date((Date.parse(zFrom) + Date.parse(zTo)) / 2).toISOString().slice(0, 10);
  await page.locator('#zoom-to').fill(mid);
  await page.locator('#zoom-apply').click();
  await page.locator('#timeline-detail', { hasText: `to ${mid}` }).waitFor();
  const ticks = await page.locator('section[aria-labelledby="timeline-title"] svg text.svg-axis').allInnerTexts();
  check(ticks.length > 0, `the zoomed timeline has its own ticks (${ticks.slice(0, 4).join(', ')})`);
  await shot('03a-timeline-zoomed');
  await page.locator('#zoom-reset').click();
  const behind = await page.evaluate(() => {
    // Sample each edge path and count points inside a box it does not end at.
    const svgEl = document.querySelector('section[aria-labelledby="network-title"] svg');
    const boxes = [...svgEl.querySelectorAll('.node rect:first-child')].map((r) => r.getBBox());
    let hidden = 0;
    for (const path of svgEl.querySelectorAll('path')) {
      const len = path.getTotalLength();
      const ends = [path.getPointAtLength(0), path.getPointAtLength(len)];
      for (let t = 0.05; t < 0.95; t += 0.05) {
        const p = path.getPointAtLength(t * len);
        const inside = boxes.find((b) => p.x > b.x + 1 && p.x < b.x + b.width - 1 && p.y > b.y + 1 && p.y < b.y + b.height - 1);
        const own = inside && ends.some((e) => e.x >= inside.x - 1 && e.x <= inside.x + inside.width + 1 && e.y >= inside.y - 1 && e.y <= inside.y + inside.height + 1);
        if (inside && !own) { hidden += 1; break; }
      }
    }
    return hidden;
  });
  check(behind === 0, `no network edge runs behind a box (${behind} do)`);
  const node = page.locator('section[aria-labelledby="network-title"] svg .node').first();
  await node.focus();
  const nodeDetail = await page.locator('#network-detail').innerText();
  check(/\(.+, .+\)/.test(nodeDetail), `focusing a party shows its full name and links ("${nodeDetail.slice(0, 80)}")`);
  await page.keyboard.press('Enter');
  await page.locator('#network-all').waitFor();
  await shot('03b-network-neighbours');
  await page.locator('#network-all').click();
  const caseFacts = await page.locator('dl.facts').innerText();
  check(/Assignee\s*analyst one \([0-9a-f]{12}\)/.test(caseFacts), 'the assignee is shown by name');
  await checkAccessible('case page');
  await shot('03-case');
  const memberTotal = Number(((await page.locator('#members-title').innerText()).match(/\(([\d,]+)\)/) || [])[1]?.replace(/,/g, ''));
  if (await page.locator('#members-all').count()) {
    await page.locator('#members-all').click();
    const all = await page.locator('#member-table tbody tr').count();
    check(all === memberTotal, `"Show all" lists every alert and hit (${all} of ${memberTotal})`);
  } else {
    check(members === memberTotal, `every alert and hit is listed (${members} of ${memberTotal})`);
  }

  step('close the case as a true match: it waits for a second analyst');
  await page.locator('#comment-text').fill('Checked the crossing log against the placement register.');
  await page.locator('#comment-text').press('Tab');
  await page.keyboard.press('Enter');
  await page.locator('section[aria-labelledby="comments-title"] li', { hasText: 'crossing log' }).waitFor();
  const preselected = await page.locator('input[name="resolution"]:checked').count();
  check(preselected === 0, 'the close form preselects no resolution');
  await page.locator('input[name="resolution"][value="true_match"]').check();
  await page.locator('#close-rationale').fill('The workers crossed as one group and started at the site within a week.');
  await page.locator('form[aria-labelledby="close-title"] button[type="submit"]').click();
  await page.locator('.case-head .badge', { hasText: 'Pending approval' }).waitFor();
  const approve = page.locator('form[aria-labelledby="approve-title"] button[type="submit"]');
  check(await approve.isDisabled(), 'the requester cannot approve their own closing (four eyes)');
  await shot('04-pending-approval');

  step('sign out, sign in as the second analyst and approve');
  await page.locator('#logout').click();
  await page.locator('#api-key').waitFor();
  check(!(await page.locator('#mainnav').isVisible()), 'navigation hidden after signing out');
  await signIn(keys.second_analyst, 'analyst two');
  await page.goto(`${base}#/cases/${encodeURIComponent(caseId)}`);
  await page.locator('form[aria-labelledby="approve-title"]').waitFor();
  check(await approve.isEnabled(), 'a different analyst may approve');
  await page.locator('#approve-rationale').fill('Agreed: group crossing and same-week start.');
  await approve.click();
  await page.locator('.case-head .badge', { hasText: 'Closed' }).waitFor();
  const facts = await page.locator('dl.facts').innerText();
  check(/True match/.test(facts), 'the case is closed as a true match');
  check(/Approved by/.test(facts), 'the approver is shown');
  check(/Approval requested by\s*analyst one/.test(facts) && /Approved by\s*analyst two/.test(facts), 'the requester and the approver are shown by name');
  check(/Closing rationale/.test(facts) && /started at the site within a week/.test(facts), 'the closing rationale is shown in the case summary');
  const history = await page.locator('section[aria-labelledby="history-title"]').innerText();
  check(/Approve/i.test(history) && /Close/i.test(history), 'the audit history shows the closing and the approval');
  check(/analyst one \([0-9a-f]{12}\)/.test(history), 'the audit history names who acted, with the key id beside');
  check(!/— → —/.test(history), 'the audit history has no empty changes');
  check(/analyst one \([0-9a-f]{12}\) asked to close as true match: The workers crossed/.test(history),
    'the history reads as sentences ("analyst one (…) asked to close as true match: …")');
  check(/analyst two \([0-9a-f]{12}\) approved closing as true match \(asked by analyst one/.test(history),
    'the approval names who asked for it');
  check(!/\b(true_match|in_review|pending_approval|[A-Z]+_[A-Z_]+)\b/.test(history), 'no raw code shows in the history');
  await shot('05-approved');

  step('the dashboard counts cases by rule and status and shows the revenue');
  await page.locator('nav[aria-label="Main"] a', { hasText: 'Dashboard' }).click();
  await page.locator('#by-rule').waitFor();
  const revenue = await page.locator('#card-revenue + .figure-value').innerText();
  check(/^\$[\d,]+$/.test(revenue.trim()), `the estimated revenue is shown in dollars ("${revenue}")`);
  const closedRow = await page.locator('#by-status tbody tr', { hasText: 'Closed' }).count();
  check(closedRow === 1, 'the closed investigation is counted by status');
  const statusText = await page.locator('#by-status tbody').innerText();
  check(!/\b(\w+)\s+\1\b/i.test(statusText), `statuses are not written twice ("${statusText.replace(/\s+/g, ' ').slice(0, 80)}")`);
  const ruleText = await page.locator('#by-rule').innerText();
  check(!/dprk/.test(ruleText), 'rule names keep DPRK in capitals');
  await checkAccessible('dashboard');
  await shot('06-dashboard');

  step('export the audit log: machine-readable, actors named');
  await page.locator('#audit-export').click();
  await page.locator('#audit-export-link').waitFor();
  const exported = await page.evaluate(async () => {
    const key = sessionStorage.getItem('yalu.apiKey');
    const r = await fetch('/audit?format=jsonl', { headers: { Authorization: `Bearer ${key}` } });
    return r.text();
  });
  const entries = exported.split('\n').filter(Boolean).map((l) => { try { return JSON.parse(l); } catch { return null; } });
  check(entries.length > 0 && entries.every((e) => e && typeof e.seq === 'number' && e.actor), `every exported line is a JSON audit entry (${entries.length})`);
  const mine = entries.filter((e) => e && e.case_id === Number(caseId) && (e.action === 'request_approval' || e.action === 'approve'));
  check(mine.length === 2 && mine.every((e) => /^analyst (one|two)$/.test(e.actor_name || '')), `the closing and its approval name their analysts (${mine.map((e) => e.actor_name).join(', ')})`);
  check(entries.every((e, i) => i === 0 || e.seq === entries[i - 1].seq + 1), 'the exported sequence has no gaps');

  step('a screener sees only what a screener can use');
  await page.locator('#logout').click();
  await page.locator('#api-key').waitFor();
  await signIn(keys.screener, 'screener');
  check(await page.locator('nav[aria-label="Main"] a', { hasText: 'Screening' }).isVisible(), 'the screener sees Screening');
  check(!(await page.locator('nav[aria-label="Main"] a', { hasText: 'Cases' }).isVisible()), 'the screener sees no Cases link');
  check(!(await page.locator('nav[aria-label="Main"] a', { hasText: 'Dashboard' }).isVisible()), 'the screener sees no Dashboard link');
} catch (e) {
  failures.push(`step "${steps[steps.length - 1]}" failed: ${e.message.split('\n')[0]}`);
  try { await shot('99-failure'); } catch { /* the page may be gone */ }
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}

for (const e of consoleErrors) failures.push(e);
for (const u of foreign) failures.push(`request to another origin: ${u}`);
for (const f of failures) console.error(`FAILED: ${f}`);
console.log(JSON.stringify({ ok: failures.length === 0, steps: steps.length, case_id: caseId, screenshots: shots, failures }));
process.exit(failures.length === 0 ? 0 : 1);
