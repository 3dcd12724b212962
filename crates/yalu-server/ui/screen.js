// Yalu workbench: the screening page (#/screen, the start page). A name with
// optional birth date, nationality and kind is screened against the lists
// chosen (`POST /match/default`); each hit shows its score, why it scored
// (explain.js), its listed links and, for analysts, a button that opens a
// case. The instant search box above the form is search.js.

import { el, append, announce, notice, field, select } from './dom.js';
import { count, fmtScore } from './format.js';
import { session } from './session.js';
import { api, ApiError, errorText } from './api.js';
import { render } from './page.js';
import { explanationDetails } from './explain.js';
import { searchPanel } from './search.js';

export function viewScreen() {
  const name = el('input', { id: 'q-name', name: 'name', type: 'text', required: true, autocomplete: 'off', size: 32 });
  const birth = el('input', { id: 'q-birth', name: 'birthDate', type: 'text', autocomplete: 'off', placeholder: 'YYYY-MM-DD', size: 12 });
  const nat = el('input', { id: 'q-nat', name: 'nationality', type: 'text', autocomplete: 'off', size: 14 });
  const schema = select('q-schema', 'schema', [['Person', 'Person'], ['Organization', 'Organization'], ['Company', 'Company'], ['LegalEntity', 'Any party'], ['Vessel', 'Vessel']], 'Person');
  const limit = select('q-limit', 'limit', [['5', '5'], ['10', '10'], ['25', '25']], '10');
  const results = el('section', { id: 'results', 'aria-labelledby': 'results-title' });
  // Which lists are searched, with their entry counts; the analyst may
  // leave some out (`include_dataset`).
  const lists = el('fieldset', { id: 'screen-lists' }, el('legend', {}, 'Lists searched'), el('p', { class: 'muted' }, 'Loading the list catalogue…'));
  api('GET', '/catalog').then((cat) => {
    const sets = (cat.datasets || []).filter((d) => d.name !== 'default');
    const all = (cat.datasets || []).find((d) => d.name === 'default');
    lists.textContent = '';
    append(lists, [el('legend', {}, 'Lists searched'),
      el('p', { id: 'lists-summary' }, `${count.format(all ? all.entity_count : sets.reduce((a, d) => a + d.entity_count, 0))} entries in ${sets.length} list${sets.length === 1 ? '' : 's'}:`),
      el('div', { class: 'radios' }, sets.map((d) => el('label', {},
        el('input', { type: 'checkbox', name: 'dataset', value: d.name, checked: true }),
        ` ${d.title || d.name} (${count.format(d.entity_count)})`)))]);
  }).catch((e) => {
    lists.textContent = '';
    append(lists, [el('legend', {}, 'Lists searched'), notice('error', `The list catalogue could not be read: ${errorText(e)}`)]);
  });
  const form = el('form', { class: 'panel', id: 'screen-form', 'aria-labelledby': 'screen-title' },
    el('div', { class: 'row' },
      el('div', { class: 'field grow' }, el('label', { for: 'q-name' }, 'Name'), name,
        el('span', { class: 'hint', id: 'q-name-hint' }, 'Any script and order: Kim Jong Un, 김정은, 金正恩.')),
      field('Birth date', birth, 'Year, month or day'),
      field('Nationality', nat, 'Code or name: kp, North Korea'),
      field('Kind', schema),
      field('Results', limit)),
    lists,
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Screen')));
  name.setAttribute('aria-describedby', 'q-name-hint');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const properties = { name: [name.value.trim()] };
    if (birth.value.trim()) properties.birthDate = [birth.value.trim()];
    if (nat.value.trim()) properties.nationality = [nat.value.trim()];
    const query = { schema: schema.value, properties };
    results.textContent = '';
    results.append(el('p', { class: 'loading' }, 'Screening…'));
    try {
      const boxes = [...lists.querySelectorAll('input[name="dataset"]')];
      const picked = boxes.filter((b) => b.checked).map((b) => b.value);
      const params = new URLSearchParams({ limit: limit.value });
      // All lists: no filter. None: say so instead of searching nothing.
      if (boxes.length && !picked.length) throw new ApiError(0, null, 'pick at least one list to search');
      if (picked.length < boxes.length) for (const d of picked) params.append('include_dataset', d);
      const data = await api('POST', `/match/default?${params}`, { queries: { q: query } });
      showHits(results, data.responses.q, query);
    } catch (e) {
      results.textContent = '';
      results.append(notice('error', `Screening failed: ${errorText(e)}`));
      announce(`Screening failed: ${errorText(e)}`);
    }
  });
  render('Screening',
    el('h1', { id: 'screen-title' }, 'Screen a name'),
    el('p', {}, 'Ranked list entries for a person or organisation, with what each feature of the score counted.'),
    searchPanel(), form, results);
  name.focus();
}

function showHits(container, response, query) {
  container.textContent = '';
  const hits = (response && response.results) || [];
  const matches = hits.filter((h) => h.match).length;
  const summary = hits.length === 0
    ? `No list entry scored high enough for “${query.properties.name[0]}”.`
    : `${hits.length} result${hits.length === 1 ? '' : 's'} for “${query.properties.name[0]}”, ${matches} above the match threshold.`;
  container.append(el('h2', { id: 'results-title' }, 'Results'), el('p', { id: 'results-summary' }, summary));
  announce(summary);
  if (!hits.length) return;
  const list = el('ol', { class: 'results' });
  hits.forEach((hit, i) => list.append(hitItem(hit, i, query)));
  container.append(list);
}

function hitItem(hit, i, query) {
  const props = hit.properties || {};
  const facts = [];
  if (props.birthDate) facts.push(`born ${props.birthDate.join(', ')}`);
  if (props.nationality) facts.push(`nationality ${props.nationality.join(', ')}`);
  if (props.country) facts.push(`country ${props.country.join(', ')}`);
  if (props.program) facts.push(`programme ${props.program.slice(0, 3).join(', ')}`);
  const meter = el('span', { class: 'meter', 'aria-hidden': 'true' }, el('span'));
  meter.firstChild.style.width = `${Math.round(Math.max(0, Math.min(1, hit.score)) * 100)}%`;
  const titleId = `hit-${i}-title`;
  const item = el('li', { class: `hit${hit.match ? ' is-match' : ''}` },
    el('article', { 'aria-labelledby': titleId },
      el('header', {},
        el('h3', { id: titleId }, `${i + 1}. `, el('a', { href: `#/entities/${encodeURIComponent(hit.id)}` }, hit.caption)),
        el('span', { class: `badge ${hit.match ? 'match-yes' : 'match-no'}` }, hit.match ? 'Match' : 'Below threshold'),
        el('span', {}, 'Score ', el('span', { class: 'score' }, fmtScore(hit.score)), ' ', meter)),
      el('p', { class: 'props' }, `${hit.schema} · ${hit.id} · ${(hit.datasets || []).join(', ')}`, facts.length ? ` · ${facts.join(' · ')}` : ''),
      linkedLine(hit),
      explanationDetails(hit.explanations, `${hit.caption}`)));
  if (session.isAnalyst()) {
    const status = el('span', { role: 'status' });
    const button = el('button', { type: 'button', class: 'secondary' }, 'Open a case for this hit');
    button.addEventListener('click', async () => {
      status.textContent = '';
      const line = {
        row: 1,
        query_id: `ui:${query.schema}:${query.properties.name[0]}:${(query.properties.birthDate || [''])[0]}`,
        query_name: query.properties.name[0],
        entity_id: hit.id,
        caption: hit.caption,
        schema: hit.schema,
        score: hit.score,
        match: hit.match,
        datasets: hit.datasets || [],
        explanations: hit.explanations || {},
      };
      try {
        const r = await api('POST', '/cases/import', { hits: [line] });
        const item0 = (r.items || [])[0] || {};
        const caseLink = item0.case_id ? el('a', { href: `#/cases/${item0.case_id}` }, `case ${item0.case_id}`) : null;
        status.textContent = '';
        if (r.created) append(status, ['Case opened: ', caseLink || 'see the case queue', '.']);
        else if (r.suppressed) append(status, ['Not opened: this pair was closed as a false positive', caseLink ? [' (', caseLink, ')'] : '', ' and the list entry has not changed.']);
        else append(status, ['A case already exists for this hit', caseLink ? [': ', caseLink] : '', '.']);
      } catch (e) {
        status.textContent = `Could not open a case: ${errorText(e)}`;
      }
    });
    item.querySelector('article').append(el('div', { class: 'actions' }, button, status));
  }
  return item;
}

/** A hit's listed links (`/match` `linked`): `owned by X (listed)`. */
function linkedLine(hit) {
  const linked = hit.linked || [];
  if (!linked.length) return null;
  return el('p', { class: 'linked' }, hit.target === false ? 'Not listed itself; linked to: ' : 'Linked to: ',
    linked.map((l, i) => [i ? '; ' : '', `${l.relation} `,
      el('a', { href: `#/entities/${encodeURIComponent(l.id)}` }, l.caption), ' (listed)']));
}
