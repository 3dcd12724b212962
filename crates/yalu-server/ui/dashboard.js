// Yalu workbench: the dashboard (#/dashboard): open and all cases, the
// estimated revenue to the DPRK, cases by rule and by status (each a link to
// the filtered queue), and the audit log export (audit.js). Analysts and
// admins only.

import { el, announce } from './dom.js';
import { count, fmtMoney, humanize } from './format.js';
import { session } from './session.js';
import { api } from './api.js';
import { render, needAnalyst } from './page.js';
import { STATUSES } from './queue.js';
import { auditExport } from './audit.js';

export async function viewDashboard() {
  if (!session.isAnalyst()) return needAnalyst('The dashboard');
  const d = await api('GET', '/dashboard');
  const byStatus = d.by_status || {};
  const byRule = d.by_rule || {};
  const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
  const card = (title, value, id) => el('section', { class: 'card', 'aria-labelledby': id },
    el('h2', { id }, title), el('p', { class: 'figure-value' }, value));
  const barTable = (id, caption, colTitle, entries, link) => {
    const max = Math.max(1, ...entries.map(([, n]) => n));
    return el('div', { class: 'table-wrap' }, el('table', { id },
      el('caption', {}, caption),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, colTitle), el('th', { scope: 'col', class: 'num' }, 'Cases'), el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Share')))),
      el('tbody', {}, entries.map(([k, n]) => {
        const bar = el('span', { class: 'bar', 'aria-hidden': 'true' });
        bar.style.width = `${Math.max(1, Math.round((n / max) * 100))}%`;
        return el('tr', {},
          el('th', { scope: 'row' }, el('a', { href: link(k), title: k }, humanize(k))),
          el('td', { class: 'num' }, count.format(n)),
          el('td', { class: 'bar-cell' }, bar));
      }))));
  };
  const rules = Object.entries(byRule).sort((a, b) => b[1] - a[1]);
  const statuses = STATUSES.filter((s) => s in byStatus).map((s) => [s, byStatus[s]])
    .concat(Object.entries(byStatus).filter(([s]) => !STATUSES.includes(s)));
  render('Dashboard',
    el('h1', {}, 'Dashboard'),
    el('div', { class: 'cards' },
      card('Open cases', count.format(d.open_cases || 0), 'card-open'),
      card('All cases', count.format(total), 'card-total'),
      card('Estimated revenue to the DPRK', fmtMoney(d.estimated_revenue_usd), 'card-revenue')),
    el('p', { class: 'muted' }, 'Estimated revenue: worker-days found by the detection rules times the annual revenue per worker in the rule file, summed over investigations.'),
    auditExport(),
    el('div', { class: 'case-grid' },
      el('section', { class: 'panel', 'aria-labelledby': 'by-rule-title' },
        el('h2', { id: 'by-rule-title' }, 'Cases by rule'),
        rules.length ? barTable('by-rule', 'Cases per detection rule or screening hit', 'Rule', rules, (k) => `#/cases?rule=${encodeURIComponent(k)}`) : el('p', { class: 'muted' }, 'No cases yet.')),
      el('section', { class: 'panel', 'aria-labelledby': 'by-status-title' },
        el('h2', { id: 'by-status-title' }, 'Cases by status'),
        statuses.length ? barTable('by-status', 'Cases per status', 'Status', statuses, (k) => `#/cases?status=${encodeURIComponent(k)}`) : el('p', { class: 'muted' }, 'No cases yet.'))));
  announce(`Dashboard: ${d.open_cases || 0} open cases.`);
}
