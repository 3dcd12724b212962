// Yalu workbench: the case queue (#/cases?status=...&rule=...&offset=...):
// the filters, one line per investigation (or, on request, per alert and
// hit) by priority or newest first, paging, and bulk actions (assign, set
// status) on the selected rows. Analysts and admins only.

import { el, announce, badge, field, select } from './dom.js';
import { count, fmtMoney, fmtScore, fmtTime, humanize, setPeople, who } from './format.js';
import { session } from './session.js';
import { api, errorText } from './api.js';
import { render, go, reload, needAnalyst, nextMessage } from './page.js';

/** Every case status, in the order of the workflow (also the dashboard's order). */
export const STATUSES = ['open', 'in_review', 'escalated', 'pending_approval', 'closed'];
const PAGE = 25;

export async function viewCases(params) {
  if (!session.isAnalyst()) return needAnalyst('Cases');
  const filters = {
    status: params.get('status') || '',
    kind: params.get('kind') || '',
    rule: params.get('rule') || '',
    assignee: params.get('assignee') || '',
    q: params.get('q') || '',
    // The queue shows units of work (investigations) by priority unless
    // asked for every alert and hit, or the newest first.
    // (Kind is about alerts and hits: with it, every alert and hit.)
    scope: params.get('kind') ? 'all' : (params.get('scope') || 'units'),
    sort: params.get('sort') || 'priority',
  };
  const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) query.set(k, v);
  query.set('limit', String(PAGE));
  // (scope and sort are always sent: the defaults above, not the API's.)
  query.set('offset', String(offset));
  const [data, dash] = await Promise.all([
    api('GET', `/cases?${query}`),
    api('GET', '/dashboard').catch(() => null),
  ]);
  setPeople(data.people);
  const rules = Object.keys((dash && dash.by_rule) || {}).sort();
  if (filters.rule && !rules.includes(filters.rule)) rules.push(filters.rule);

  const form = el('form', { class: 'panel', 'aria-labelledby': 'filters-title', role: 'search' },
    el('h2', { id: 'filters-title', class: 'visually-hidden' }, 'Filters'),
    el('div', { class: 'row' },
      field('Status', select('f-status', 'status', [['', 'Any'], ...STATUSES.map((s) => [s, humanize(s)])], filters.status)),
      field('Kind', select('f-kind', 'kind', [['', 'Any'], ['alert', 'Detection alert'], ['hit', 'Screening hit']], filters.kind)),
      field('Rule', select('f-rule', 'rule', [['', 'Any'], ...rules.map((r) => [r, humanize(r)])], filters.rule)),
      field('Assignee', el('input', { id: 'f-assignee', name: 'assignee', type: 'text', value: filters.assignee, size: 14 })),
      field('Show', select('f-scope', 'scope', [['units', 'Investigations'], ['all', 'Every alert and hit']], filters.scope)),
      field('Order', select('f-sort', 'sort', [['priority', 'Priority'], ['newest', 'Newest']], filters.sort)),
      el('div', { class: 'field grow' }, el('label', { for: 'f-q' }, 'Search'),
        el('input', { id: 'f-q', name: 'q', type: 'search', value: filters.q }))),
    el('div', { class: 'actions' },
      el('button', { type: 'submit' }, 'Apply filters'),
      el('a', { href: '#/cases' }, 'Clear')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of new FormData(form).entries()) if (String(v).trim()) next.set(k, String(v).trim());
    go(`#/cases${next.toString() ? `?${next}` : ''}`);
  });

  const cases = data.cases || [];
  const total = typeof data.total === 'number' ? data.total : cases.length;
  // Beyond the store's count limit the total is a lower bound.
  const more = data.total_relation === 'gte';
  const summary = total === 0 ? 'No case matches these filters.'
    : `Cases ${offset + 1}–${offset + cases.length} of ${more ? 'more than ' : ''}${count.format(total)}.`;
  const table = queueTable(cases, summary, query.toString());
  const bulk = bulkForm(table, () => reload());
  const pageLink = (to, label) => {
    const p = new URLSearchParams(params);
    p.set('offset', String(to));
    return el('a', { href: `#/cases?${p}` }, label);
  };
  const pager = el('nav', { class: 'pager', 'aria-label': 'Pages of cases' },
    offset > 0 ? pageLink(Math.max(0, offset - PAGE), '← Previous page') : null,
    offset + cases.length < total || (more && cases.length === PAGE) ? pageLink(offset + PAGE, 'Next page →') : null);
  render('Cases',
    el('h1', {}, 'Case queue'),
    form,
    el('section', { 'aria-labelledby': 'queue-title' },
      el('h2', { id: 'queue-title' }, filters.scope === 'units' ? 'Investigations' : 'Cases'),
      bulk,
      el('div', { class: 'table-wrap' }, table),
      pager));
  announce(summary);
}

/** Age of a case from its creation: "3 d", "5 h", "12 min". */
function age(t) {
  const ms = Date.now() - Date.parse(t || '');
  if (Number.isNaN(ms)) return '—';
  const min = Math.max(0, Math.round(ms / 60000));
  if (min < 60) return `${min} min`;
  if (min < 48 * 60) return `${Math.round(min / 60)} h`;
  return `${Math.round(min / 1440)} d`;
}

/** Rule badges: one per rule with its count (investigations), or the case's rule. */
function ruleBadges(c) {
  const rules = c.rules && Object.keys(c.rules).length ? Object.entries(c.rules) : [[c.rule, 1]];
  return el('span', { class: 'rule-badges' }, rules.map(([r, n]) => el('span', { class: 'badge rule', title: r },
    humanize(r), n > 1 ? ` ×${n}` : '')));
}

/** The compact queue: one line per investigation (or case), selectable. */
function queueTable(cases, caption, queryText) {
  return el('table', { id: 'case-table', class: 'queue', 'data-query': queryText },
    el('caption', {}, caption),
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Select')),
      el('th', { scope: 'col' }, 'Subject'),
      el('th', { scope: 'col' }, 'Rules'),
      el('th', { scope: 'col', class: 'num' }, 'Workers'),
      el('th', { scope: 'col', class: 'num' }, 'Revenue'),
      el('th', { scope: 'col' }, 'Status'),
      el('th', { scope: 'col' }, 'Assignee'),
      el('th', { scope: 'col', class: 'num' }, 'Age'))),
    el('tbody', {}, cases.map((c) => el('tr', { 'data-case': c.id, 'data-priority': typeof c.priority === 'number' ? c.priority : '' },
      el('td', {}, el('input', { type: 'checkbox', class: 'select-case', value: c.id, 'aria-label': `Select ${c.title || c.id}` })),
      el('th', { scope: 'row' }, el('a', { href: `#/cases/${encodeURIComponent(c.id)}` }, c.title || c.id),
        el('div', { class: 'muted' }, c.kind === 'investigation' ? `Investigation ${c.id}` : `${c.kind === 'hit' ? 'Screening hit' : 'Alert'} ${c.id}`, ' · ', badge('sev', c.severity))),
      el('td', {}, ruleBadges(c)),
      el('td', { class: 'num' }, typeof c.workers === 'number' ? count.format(c.workers) : '—'),
      el('td', { class: 'num' }, c.kind === 'hit' ? `score ${fmtScore(c.score)}` : fmtMoney(c.estimated_revenue_usd)),
      el('td', {}, badge('st', c.status)),
      el('td', {}, c.assignee ? who(c.assignee) : el('span', { class: 'muted' }, 'unassigned')),
      el('td', { class: 'num' }, el('time', { datetime: c.created_at || '', title: fmtTime(c.created_at) }, age(c.created_at)))))));
}

/** Bulk actions on the selected rows of `table`: assign, set status. */
function bulkForm(table, done) {
  const me = session.me || {};
  const status = el('p', { id: 'bulk-status', role: 'status' });
  const assignee = el('input', { id: 'bulk-assignee', name: 'assignee', type: 'text', size: 16, placeholder: 'name or key id' });
  const newStatus = select('bulk-new-status', 'status', [['in_review', 'In review'], ['escalated', 'Escalated'], ['open', 'Open']], 'in_review');
  const selected = () => [...table.querySelectorAll('.select-case:checked')].map((b) => Number(b.value));
  const run = async (body, label) => {
    const ids = selected();
    status.textContent = '';
    if (!ids.length) { status.textContent = 'Select one or more rows first.'; return; }
    try {
      const r = await api('POST', '/cases/bulk', { ids, ...body });
      const refused = (r.results || []).filter((x) => !x.ok);
      nextMessage(`${label}: ${r.done} done${refused.length ? `, ${refused.length} refused (${refused.map((x) => `${x.id}: ${x.detail}`).join('; ')})` : ''}.`);
      done();
    } catch (e) {
      status.textContent = `Bulk action failed: ${errorText(e)}`;
    }
  };
  const all = el('input', { type: 'checkbox', id: 'select-all' });
  all.addEventListener('change', () => { for (const b of table.querySelectorAll('.select-case')) b.checked = all.checked; });
  const assignMe = el('button', { type: 'button', class: 'secondary', id: 'bulk-assign-me' }, 'Assign selected to me');
  assignMe.addEventListener('click', () => run({ action: 'assign', assignee: me.key_id }, 'Assigned to you'));
  const assignBtn = el('button', { type: 'button', class: 'secondary', id: 'bulk-assign' }, 'Assign selected');
  assignBtn.addEventListener('click', () => { if (assignee.value.trim()) run({ action: 'assign', assignee: assignee.value.trim() }, 'Assigned'); });
  const statusBtn = el('button', { type: 'button', class: 'secondary', id: 'bulk-set-status' }, 'Set status of selected');
  statusBtn.addEventListener('click', () => run({ action: 'status', status: newStatus.value }, `Status set to ${humanize(newStatus.value)}`));
  return el('div', { class: 'panel bulk', role: 'group', 'aria-label': 'Bulk actions on the selected rows' },
    el('div', { class: 'row' },
      el('label', {}, all, ' Select all on this page'),
      assignMe,
      field('Assign to', assignee), assignBtn,
      field('New status', newStatus), statusBtn),
    status);
}
