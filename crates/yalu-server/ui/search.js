// Yalu workbench: the instant search box of the screening page ("Find a list
// entry"): `GET /search/default` as the analyst types, each result a link to
// its entity page (entity.js).

import { el, announce } from './dom.js';
import { fmtScore } from './format.js';
import { api, errorText } from './api.js';

/** The instant search box of the screening page: `/search` as you type. */
export function searchPanel() {
  const input = el('input', { id: 'instant-q', name: 'q', type: 'search', autocomplete: 'off', size: 32, 'aria-describedby': 'instant-hint', 'aria-controls': 'instant-results' });
  const status = el('p', { id: 'instant-status', class: 'muted', role: 'status' });
  const list = el('ol', { id: 'instant-results', class: 'plain' });
  let timer = null;
  let asked = 0;
  const run = async () => {
    const q = input.value.trim();
    const mine = ++asked;
    if (q.length < 2) { list.textContent = ''; status.textContent = ''; return; }
    try {
      const data = await api('GET', `/search/default?q=${encodeURIComponent(q)}&limit=8`);
      if (mine !== asked) return; // a later keystroke has its own answer
      list.textContent = '';
      for (const r of data.results || []) {
        list.append(el('li', {},
          el('a', { href: `#/entities/${encodeURIComponent(r.id)}` }, r.caption),
          el('span', { class: 'muted' }, ` ${r.schema} · ${(r.datasets || []).join(', ')} · score ${fmtScore(r.score)}`)));
      }
      const n = (data.total || {}).value || 0;
      status.textContent = n ? `${n} entr${n === 1 ? 'y' : 'ies'} for “${q}”${n > 8 ? ', the first 8 shown' : ''}.` : `Nothing found for “${q}”.`;
      announce(status.textContent);
    } catch (e) {
      if (mine === asked) status.textContent = `Search failed: ${errorText(e)}`;
    }
  };
  input.addEventListener('input', () => { window.clearTimeout(timer); timer = window.setTimeout(run, 150); });
  return el('section', { class: 'panel', id: 'instant-search', role: 'search', 'aria-labelledby': 'instant-title' },
    el('h2', { id: 'instant-title' }, 'Find a list entry'),
    el('div', { class: 'field grow' }, el('label', { for: 'instant-q' }, 'Search the lists'), input,
      el('span', { class: 'hint', id: 'instant-hint' }, 'Words or their beginnings (Mansu), any script; results as you type. Open one to see its names, identifiers and network.')),
    status, list);
}
