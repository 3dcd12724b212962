// Yalu workbench: explanations shared by two pages. "Why this score": the
// features of a screening hit's score as a table (the screening page and a
// screening hit's case page). "Why (not)?": each detection rule's
// conditions for each subject of a case (the case page).

import { el } from './dom.js';
import { count, fmtScore, humanize } from './format.js';

/** "Why this score": the features scored for `what`, strongest first. */
export function explanationDetails(explanations, what) {
  const rows = Object.entries(explanations || {});
  if (!rows.length) return null;
  rows.sort((a, b) => Math.abs(b[1].contribution) - Math.abs(a[1].contribution));
  return el('details', {},
    el('summary', {}, 'Why this score'),
    el('div', { class: 'table-wrap' },
      el('table', {},
        el('caption', {}, `Features scored for ${what}`),
        el('thead', {}, el('tr', {},
          el('th', { scope: 'col' }, 'Feature'),
          el('th', { scope: 'col' }, 'Query'),
          el('th', { scope: 'col' }, 'List entry'),
          el('th', { scope: 'col', class: 'num' }, 'Similarity'),
          el('th', { scope: 'col', class: 'num' }, 'Contribution'),
          el('th', { scope: 'col' }, 'Detail'))),
        el('tbody', {}, rows.map(([feature, x]) => el('tr', {},
          el('th', { scope: 'row' }, humanize(feature)),
          el('td', {}, x.query || '—'),
          el('td', {}, x.candidate || '—'),
          el('td', { class: 'num' }, fmtScore(x.score)),
          el('td', { class: `num ${x.contribution > 0 ? 'contrib-pos' : x.contribution < 0 ? 'contrib-neg' : ''}` },
            `${x.contribution > 0 ? '+' : ''}${fmtScore(x.contribution)}`),
          el('td', {}, x.detail || '')))))));
}

// "Why (not)?": each rule's evaluation for the case's subjects, as
// `yalu detect --explain` prints it (attached by `yalu demo` and
// `yalu cases import --data`).
export function explainSection(explanations) {
  const section = el('section', { class: 'panel', 'aria-labelledby': 'explain-title' },
    el('h2', { id: 'explain-title' }, 'Why (not)? Rules for each subject'));
  if (!explanations.length) {
    section.appendChild(el('p', {}, 'No rule evaluation was attached to this case.'));
    return section;
  }
  // With many subjects (an investigation), each subject's evaluation is
  // folded under one line naming the rules that fired; the first is open.
  const fold = explanations.length > 3;
  if (fold) {
    section.appendChild(el('p', { class: 'muted' },
      `${count.format(explanations.length)} subjects; open one to see each rule's conditions.`));
  }
  explanations.forEach((x, i) => {
    const rules = (x.rules || []).map((r) => el('details', { open: r.fired ? true : null },
      el('summary', {}, `${r.rule} [${r.severity}] `, el('strong', {}, !r.enabled ? 'disabled' : r.fired ? 'fired' : 'not fired')),
      el('ul', {}, (r.conditions || []).map((c) => el('li', {},
        // An `info` line is a note (lines not shown, a rule about
        // organisations), neither held nor failed.
        el('span', { class: c.info ? 'info' : c.held ? 'held' : 'failed' },
          c.info ? 'note: ' : c.held ? 'held: ' : 'failed: '), c.text)))));
    const evidence = x.labour_evidence ? el('p', {}, `Evidence of work: ${x.labour_evidence}`) : null;
    if (!fold) {
      section.appendChild(el('div', { class: 'explanation' }, el('h3', {}, `${x.kind} ${x.label}`), evidence, rules));
      return;
    }
    const fired = (x.rules || []).filter((r) => r.enabled && r.fired).map((r) => humanize(r.rule));
    section.appendChild(el('details', { class: 'explanation subject', open: i === 0 ? true : null },
      el('summary', {}, el('strong', {}, `${x.kind} ${x.label}`), ' · ',
        fired.length ? `fired: ${fired.join(', ')}` : 'no rule fired'),
      evidence, rules));
  });
  return section;
}
