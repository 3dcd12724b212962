// Yalu workbench: one small single-page app over the JSON API of `yalu serve`.
// No framework and no build step. Every element is made with `el()` from
// text nodes, never from HTML strings, so list data cannot inject markup.
// Routes live in the URL hash (#/screen, #/cases?status=open, #/cases/ID,
// #/dashboard), so the back button, bookmarks and reloads work.
'use strict';

(() => {
  const KEY_SLOT = 'yalu.apiKey';
  const ME_SLOT = 'yalu.me';
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const main = document.getElementById('main');
  const announcer = document.getElementById('announcer');

  // ---------------------------------------------------------------- helpers

  /** Makes an element. `attrs`: attributes, plus `on*` handlers and `class`. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }

  /** Makes an SVG element. */
  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG_NS, tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }

  function setAttrs(node, attrs) {
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith('on') && typeof value === 'function') {
        node.addEventListener(name.slice(2), value);
      } else if (value === true) {
        node.setAttribute(name, '');
      } else {
        node.setAttribute(name, String(value));
      }
    }
  }

  function append(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }

  function announce(text) {
    // Cleared first so that the same message twice is read twice.
    announcer.textContent = '';
    window.setTimeout(() => { announcer.textContent = text; }, 50);
  }

  const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
  const count = new Intl.NumberFormat('en-US');

  function fmtMoney(x) { return typeof x === 'number' ? money.format(x) : '—'; }
  function fmtScore(x) { return typeof x === 'number' ? x.toFixed(3) : '—'; }
  function fmtTime(t) {
    if (!t) return '—';
    const s = String(t);
    return s.length > 19 ? s.slice(0, 19).replace('T', ' ') : s.replace('T', ' ');
  }
  // Words that stay in capitals when a code is read out.
  const ACRONYMS = new Set(['dprk', 'un', 'unscr', 'ofac', 'usd', 'id', 'imo', 'uk', 'eu']);
  /** `AGENCY_DPRK_CONCENTRATION` → `Agency DPRK concentration`. */
  function humanize(id) {
    if (!id) return '—';
    const words = String(id).replace(/_/g, ' ').toLowerCase().split(' ')
      .map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w));
    const s = words.join(' ');
    return s.charAt(0).toUpperCase() + s.slice(1);
  }
  // Display names of the keys in the last workbench answer (`people`:
  // key id → name given with `yalu keys create --name`).
  let people = {};
  /** Who acted: the display name with the key id beside it, or the id. */
  function who(id) {
    if (!id) return '—';
    return people[id] ? `${people[id]} (${id})` : id;
  }
  const ACTOR_FIELDS = /(^|\s)(assignee|requested_by|approved_by|closed_by)$/;
  function badge(kind, value) {
    if (!value) return null;
    return el('span', { class: `badge ${kind}-${value}` }, humanize(value));
  }
  function notice(kind, text) {
    return el('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : null }, text);
  }
  function field(label, control, hint) {
    const id = control.id;
    const hintId = hint ? `${id}-hint` : null;
    if (hintId) control.setAttribute('aria-describedby', hintId);
    return el('div', { class: 'field' },
      el('label', { for: id }, label),
      control,
      hint ? el('span', { class: 'hint', id: hintId }, hint) : null);
  }
  function select(id, name, options, current) {
    return el('select', { id, name },
      options.map(([value, label]) => el('option', { value, selected: value === current }, label)));
  }

  // ---------------------------------------------------------------- session

  const session = {
    get key() { return sessionStorage.getItem(KEY_SLOT); },
    get me() {
      try { return JSON.parse(sessionStorage.getItem(ME_SLOT) || 'null'); } catch { return null; }
    },
    set(key, me) {
      sessionStorage.setItem(KEY_SLOT, key);
      sessionStorage.setItem(ME_SLOT, JSON.stringify(me));
    },
    clear() {
      sessionStorage.removeItem(KEY_SLOT);
      sessionStorage.removeItem(ME_SLOT);
    },
    isAnalyst() {
      const role = (this.me || {}).role;
      return role === 'analyst' || role === 'admin';
    },
  };

  class ApiError extends Error {
    constructor(status, code, detail) {
      super(detail || code || `HTTP ${status}`);
      this.status = status;
      this.code = code;
      this.detail = detail;
    }
  }

  /** Calls the API with the session's key; errors become ApiError. */
  async function api(method, path, body, key) {
    const headers = { Accept: 'application/json' };
    const k = key || session.key;
    if (k) headers.Authorization = `Bearer ${k}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new ApiError(0, 'network', `the server cannot be reached (${e.message})`);
    }
    const text = await response.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch { data = null; }
    }
    if (!response.ok) {
      const code = data && data.code;
      const detail = (data && data.detail) || text || response.statusText;
      if ((response.status === 401) && !key) {
        session.clear();
        showSession();
        pendingMessage = `Your key was refused (${code || response.status}): sign in again.`;
        go('#/login');
      }
      throw new ApiError(response.status, code, detail);
    }
    return data;
  }

  function errorText(e) {
    if (e instanceof ApiError) {
      if (e.status === 403 && e.code === 'insufficient_role') {
        return `Your key's role may not do this: ${e.detail}`;
      }
      return `${e.detail}${e.code ? ` (${e.code})` : ''}`;
    }
    return String(e && e.message ? e.message : e);
  }

  function showSession() {
    const me = session.me;
    const nav = document.getElementById('mainnav');
    const box = document.getElementById('session');
    nav.hidden = !me;
    box.hidden = !me;
    // A screener's key cannot open cases or the dashboard: no links to them.
    for (const page of ['cases', 'dashboard']) {
      const a = nav.querySelector(`[data-nav="${page}"]`);
      if (a) a.parentElement.hidden = !session.isAnalyst();
    }
    const who = document.getElementById('whoami');
    who.textContent = '';
    if (me) {
      append(who, ['Signed in as ', el('strong', {}, me.label || me.key_id),
        el('span', { class: 'role' }, me.role || 'unknown role')]);
    }
  }

  document.getElementById('logout').addEventListener('click', () => {
    session.clear();
    showSession();
    pendingMessage = 'You are signed out. The key is forgotten by this tab.';
    go('#/login');
  });

  // ---------------------------------------------------------------- routing

  let pendingMessage = null;
  let afterLogin = '#/screen';

  function go(hash) {
    if (location.hash === hash) route(); else location.hash = hash;
  }

  function parseHash() {
    const raw = location.hash.replace(/^#/, '') || '/';
    const [path, query] = raw.split('?');
    return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query || '') };
  }

  /** Replaces the page content, sets the title and moves focus to the heading. */
  function render(title, ...content) {
    document.title = `${title} · Yalu workbench`;
    main.textContent = '';
    append(main, content);
    const h1 = main.querySelector('h1');
    if (h1) {
      h1.setAttribute('tabindex', '-1');
      h1.focus();
    }
    if (pendingMessage) {
      announce(pendingMessage);
      const msg = pendingMessage;
      pendingMessage = null;
      if (h1) (h1.closest('.case-head') || h1).after(notice('info', msg));
    }
  }

  function markNav(name) {
    for (const a of document.querySelectorAll('[data-nav]')) {
      if (a.dataset.nav === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    }
  }

  async function route() {
    const { parts, params } = parseHash();
    const page = parts[0] || 'screen';
    if (!session.key && page !== 'login') {
      afterLogin = location.hash || '#/screen';
      go('#/login');
      return;
    }
    markNav(page);
    try {
      if (page === 'login') return viewLogin();
      if (page === 'screen') return viewScreen();
      if (page === 'cases' && parts[1]) return await viewCase(parts[1]);
      if (page === 'cases') return await viewCases(params);
      if (page === 'dashboard') return await viewDashboard();
      // Pages of other modules (entity.js: #/entities/ID).
      const extra = (window.yaluPages || {})[page];
      if (extra) return await extra(parts.slice(1), params);
      render('Not found', el('h1', {}, 'No such page'), el('p', {}, el('a', { href: '#/screen' }, 'Go to screening')));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      render('Error', el('h1', {}, 'Something went wrong'), notice('error', errorText(e)));
    }
  }

  window.addEventListener('hashchange', route);

  // ---------------------------------------------------------------- login

  function viewLogin() {
    markNav(null);
    const input = el('input', { id: 'api-key', name: 'key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, size: 48 });
    const status = el('div', { id: 'login-status' });
    const form = el('form', { class: 'panel narrow', 'aria-labelledby': 'login-title' },
      field('API key', input, ['From ', el('code', {}, 'yalu keys create --role analyst'), ', or as printed by ', el('code', {}, 'yalu demo'), '. Kept in this tab only (sessionStorage).']),
      el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Sign in')),
      status);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const key = input.value.trim();
      status.textContent = '';
      if (!key) return;
      try {
        const me = await whoIs(key);
        session.set(key, me);
        showSession();
        pendingMessage = `Signed in as ${me.label || me.key_id} (${me.role}).`;
        const target = afterLogin && !afterLogin.startsWith('#/login') ? afterLogin : '#/screen';
        afterLogin = '#/screen';
        go(target);
      } catch (e) {
        status.append(notice('error', `Sign-in failed: ${errorText(e)}`));
        input.focus();
      }
    });
    render('Sign in',
      el('h1', { id: 'login-title' }, 'Sign in'),
      el('p', {}, 'Paste an API key to use the workbench. Screeners can screen names; analysts can also work cases and see the dashboard.'),
      form);
  }

  /** Who a key belongs to: `GET /me`. */
  async function whoIs(key) {
    const me = await api('GET', '/me', undefined, key);
    return { key_id: me.key_id, label: me.label || null, role: me.role };
  }

  // ---------------------------------------------------------------- screening

  function viewScreen() {
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
      widget('searchPanel'), form, results);
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
        widget('linkedLine', hit),
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

  function explanationDetails(explanations, what) {
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

  // ---------------------------------------------------------------- case queue

  const STATUSES = ['open', 'in_review', 'escalated', 'pending_approval', 'closed'];
  const PAGE = 25;

  async function viewCases(params) {
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
    people = data.people || {};
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
    const summary = total === 0 ? 'No case matches these filters.'
      : `Cases ${offset + 1}–${offset + cases.length} of ${count.format(total)}.`;
    const table = queueTable(cases, summary, query.toString());
    const bulk = bulkForm(table, () => route());
    const pageLink = (to, label) => {
      const p = new URLSearchParams(params);
      p.set('offset', String(to));
      return el('a', { href: `#/cases?${p}` }, label);
    };
    const pager = el('nav', { class: 'pager', 'aria-label': 'Pages of cases' },
      offset > 0 ? pageLink(Math.max(0, offset - PAGE), '← Previous page') : null,
      offset + cases.length < total ? pageLink(offset + PAGE, 'Next page →') : null);
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
        pendingMessage = `${label}: ${r.done} done${refused.length ? `, ${refused.length} refused (${refused.map((x) => `${x.id}: ${x.detail}`).join('; ')})` : ''}.`;
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

  function needAnalyst(what) {
    render(what, el('h1', {}, what),
      notice('info', `${what} need an analyst or admin key; you are signed in as a ${(session.me || {}).role || 'screener'}.`));
  }

  // ---------------------------------------------------------------- case page

  async function viewCase(id) {
    if (!session.isAnalyst()) return needAnalyst('Cases');
    const data = await api('GET', `/cases/${encodeURIComponent(id)}`);
    people = data.people || {};
    const c = data.case;
    const me = session.me || {};
    const flash = el('div', { id: 'case-flash', role: 'status' });

    const facts = el('dl', { class: 'facts' },
      fact('Case id', el('code', {}, c.id)),
      fact('Kind', c.kind === 'hit' ? 'Screening hit' : c.kind === 'investigation' ? 'Investigation' : 'Detection alert'),
      typeof c.workers === 'number' ? fact('Workers', count.format(c.workers)) : null,
      typeof c.priority === 'number' ? fact('Priority', c.priority.toFixed(1)) : null,
      c.investigation_id ? fact('Investigation', el('a', { href: `#/cases/${c.investigation_id}` }, `Investigation ${c.investigation_id}`)) : null,
      fact('Rule', c.rule ? el('span', {}, humanize(c.rule), ' ', el('code', {}, c.rule)) : '—'),
      fact('Severity', badge('sev', c.severity) || '—'),
      fact('Status', badge('st', c.status)),
      c.resolution ? fact('Resolution', humanize(c.resolution)) : null,
      c.rationale ? fact('Closing rationale', c.rationale) : null,
      c.closed_by ? fact('Closed by', who(c.closed_by)) : null,
      fact('Assignee', c.assignee ? who(c.assignee) : 'unassigned'),
      typeof c.score === 'number' ? fact('Score', fmtScore(c.score)) : null,
      typeof c.estimated_revenue_usd === 'number' ? fact('Estimated revenue', fmtMoney(c.estimated_revenue_usd)) : null,
      c.approval && c.approval.requested_by ? fact('Approval requested by', who(c.approval.requested_by)) : null,
      c.approval && c.approval.approved_by ? fact('Approved by', who(c.approval.approved_by)) : null,
      fact('Created', fmtTime(c.created_at)),
      fact('Updated', fmtTime(c.updated_at)));

    const original = data.alert || data.hit || null;
    // An alert or hit may carry its own evidence, built from the data set
    // it was found in (`yalu demo` attaches it); the server's own view
    // holds only ids.
    const evidence = (original && original.evidence) || data.evidence || { timeline: [], network: { nodes: [], edges: [] } };

    render(c.title || c.id,
      el('p', {}, el('a', { href: '#/cases' }, '← Case queue')),
      el('div', { class: 'case-head' },
        el('h1', {}, c.title || c.id), badge('st', c.status), badge('sev', c.severity)),
      flash,
      el('div', { class: 'case-grid' },
        el('div', {},
          c.kind === 'investigation' ? membersSection(data.members || []) : summarySection(c, original),
          timelineSection(evidence.timeline || [], evidence.timeline_persons || 0),
          networkSection((evidence.network || {}).nodes || [], (evidence.network || {}).edges || []),
          explainSection(evidence.explanations || []),
          commentsSection(data.comments || []),
          historySection(data.history || [])),
        el('div', {},
          el('section', { class: 'panel', 'aria-labelledby': 'facts-title' },
            el('h2', { id: 'facts-title' }, 'Case'), facts),
          actionsSection(c, me, flash))));
  }

  /** An investigation's alerts and hits, highest priority first. */
  // An investigation's alerts and hits, highest priority first: the first
  // few, then all of them (as the answer holds them) on request, so that a
  // scheme of hundreds of alerts does not bury the diagrams below.
  function membersSection(members) {
    const FIRST = 15;
    const row = (m) => el('tr', {},
      el('th', { scope: 'row' }, el('a', { href: `#/cases/${encodeURIComponent(m.id)}` }, m.title || m.id)),
      el('td', {}, humanize(m.rule)),
      el('td', {}, badge('sev', m.severity) || '—'),
      el('td', { class: 'num' }, typeof m.workers === 'number' ? count.format(m.workers) : '—'),
      el('td', { class: 'num' }, m.kind === 'hit' ? `score ${fmtScore(m.score)}` : fmtMoney(m.estimated_revenue_usd)));
    const body = el('tbody', {}, members.slice(0, FIRST).map(row));
    const note = el('p', { class: 'muted', id: 'members-shown', 'aria-live': 'polite' },
      members.length > FIRST ? `The ${FIRST} of highest priority are listed.` : '');
    const more = members.length > FIRST
      ? el('button', { type: 'button', class: 'secondary', id: 'members-all' }, `Show all ${count.format(members.length)}`)
      : null;
    if (more) {
      more.addEventListener('click', () => {
        body.replaceChildren(...members.map(row));
        note.textContent = `All ${count.format(members.length)} are listed, highest priority first.`;
        more.remove();
      });
    }
    return el('section', { class: 'panel', 'aria-labelledby': 'members-title' },
      el('h2', { id: 'members-title' }, `Alerts and hits in this investigation (${count.format(members.length)})`),
      note,
      el('div', { class: 'table-wrap' }, el('table', { id: 'member-table' },
        el('thead', {}, el('tr', {},
          el('th', { scope: 'col' }, 'Finding'), el('th', { scope: 'col' }, 'Rule'),
          el('th', { scope: 'col' }, 'Severity'), el('th', { scope: 'col', class: 'num' }, 'Workers'),
          el('th', { scope: 'col', class: 'num' }, 'Revenue'))),
        body)),
      more);
  }

  function fact(term, value) {
    return [el('dt', {}, term), el('dd', {}, value)];
  }

  function summarySection(c, original) {
    const body = [];
    if (original && original.summary) body.push(el('p', {}, original.summary));
    if (original && (original.period_start || original.period_end)) {
      body.push(el('p', { class: 'muted' }, `Period: ${original.period_start || '?'} to ${original.period_end || '?'}`));
    }
    if (original && original.explanations) {
      body.push(el('p', {}, `Screened “${original.query_name || ''}” against “${original.caption || original.entity_id}” (${(original.datasets || []).join(', ')}).`));
      body.push(explanationDetails(original.explanations, original.caption || 'the list entry'));
    }
    const subjects = c.subject_ids || [];
    const evidenceIds = c.evidence_ids || [];
    if (subjects.length) body.push(el('p', {}, el('strong', {}, 'Subjects: '), el('span', { class: 'id-list' }, subjects.join(', '))));
    if (evidenceIds.length) body.push(el('p', {}, el('strong', {}, `Evidence records (${evidenceIds.length}): `), el('span', { class: 'id-list' }, evidenceIds.join(', '))));
    return el('section', { class: 'panel', 'aria-labelledby': 'summary-title' },
      el('h2', { id: 'summary-title' }, 'What was found'), body.length ? body : el('p', { class: 'muted' }, 'No summary recorded.'));
  }

  // Timeline: one row per person; documents and placements as bars when they
  // have an end, crossings and other events as marks. The table after the
  // drawing carries the same events for screen readers and keyboard users.
  const EVENT_CLASSES = [
    [/exit/i, 'exit'],
    [/entry|arriv/i, 'entry'],
    [/cross/i, 'entry'],
    [/visa|permit|document|passport/i, 'visa'],
    [/placement|work|employ/i, 'placement'],
    [/pay/i, 'payment'],
  ];
  const EVENT_COLOURS = { visa: '#7aa6d6', placement: '#e39b3b', entry: '#1d6b3a', exit: '#a4161a', payment: '#6b4fa8', other: '#8592a3' };
  function eventClass(kind) {
    for (const [re, name] of EVENT_CLASSES) if (re.test(kind || '')) return name;
    return 'other';
  }
  function dayOf(text) {
    const t = Date.parse(String(text || '').slice(0, 10));
    return Number.isNaN(t) ? null : t / 86400000;
  }
  function endOf(e) { return e.end || e.end_date || e.until || e.date_end || null; }

  // "Why (not)?": each rule's evaluation for the case's subjects, as
  // `yalu detect --explain` prints it (attached by `yalu demo` and
  // `yalu cases import --data`).
  function explainSection(explanations) {
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

  function timelineSection(events, total) {
    const section = el('section', { class: 'panel', 'aria-labelledby': 'timeline-title' },
      el('h2', { id: 'timeline-title' }, 'Timeline'));
    if (!events.length) {
      section.append(el('p', { class: 'muted' }, 'No dated records are attached to this case.'));
      return section;
    }
    const persons = [];
    const byPerson = new Map();
    for (const e of events) {
      const p = e.person_id || '—';
      if (!byPerson.has(p)) { byPerson.set(p, []); persons.push(p); }
      byPerson.get(p).push(e);
    }
    const days = events.flatMap((e) => [dayOf(e.date), dayOf(endOf(e))]).filter((d) => d !== null);
    let fullLo = Math.min(...days);
    let fullHi = Math.max(...days);
    if (!(fullHi > fullLo)) { fullLo -= 15; fullHi += 15; }
    const shown = persons.slice(0, 30);
    const isoDay = (d) => new Date(d * 86400000).toISOString().slice(0, 10);
    // Details of the event under the pointer or the keyboard focus.
    const details = el('p', { id: 'timeline-detail', class: 'detail-box', 'aria-live': 'polite' },
      'Point at or tab to an event for its details.');
    const holder = el('div', { class: 'figure' });
    // Zoom: redraw a shorter period (dense periods become readable).
    const from = el('input', { id: 'zoom-from', type: 'date', value: isoDay(fullLo), min: isoDay(fullLo), max: isoDay(fullHi) });
    const to = el('input', { id: 'zoom-to', type: 'date', value: isoDay(fullHi), min: isoDay(fullLo), max: isoDay(fullHi) });
    const zoomBtn = el('button', { type: 'button', class: 'secondary', id: 'zoom-apply' }, 'Zoom to this period');
    const resetBtn = el('button', { type: 'button', class: 'secondary', id: 'zoom-reset' }, 'Whole period');
    zoomBtn.addEventListener('click', () => {
      const a = dayOf(from.value); const b = dayOf(to.value);
      if (a === null || b === null || !(b > a)) { details.textContent = 'Choose a start date before the end date to zoom.'; return; }
      draw(a, b);
      details.textContent = `Showing ${from.value} to ${to.value}.`;
    });
    resetBtn.addEventListener('click', () => { from.value = isoDay(fullLo); to.value = isoDay(fullHi); draw(fullLo, fullHi); details.textContent = 'Showing the whole period.'; });
    const zoom = el('div', { class: 'row zoom', role: 'group', 'aria-label': 'Zoom the timeline' },
      field('From', from), field('To', to), zoomBtn, resetBtn);

    function draw(lo, hi) {
    const left = 200; const width = 960; const rowH = 34; const top = 24;
    const height = top + shown.length * rowH + 28;
    const x = (d) => left + ((d - lo) / (hi - lo)) * (width - left - 12);
    const first = isoDay(lo);
    const last = isoDay(hi);
    const drawing = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': 'timeline-svg-title timeline-svg-desc' },
      svg('title', { id: 'timeline-svg-title' }, 'Timeline of the case'),
      svg('desc', { id: 'timeline-svg-desc' }, `${events.length} dated events for ${persons.length} persons from ${first} to ${last}; every event is listed in the table below.`));
    // Ticks: years, or months when the period is under two years.
    const monthly = hi - lo < 730;
    const y0 = new Date(lo * 86400000).getUTCFullYear();
    const y1 = new Date(hi * 86400000).getUTCFullYear();
    for (let y = y0; y <= y1 + 1; y += 1) {
      for (let m = 0; m < (monthly ? 12 : 1); m += 1) {
        const d = Date.UTC(y, m, 1) / 86400000;
        if (d < lo || d > hi || x(d) > width - 36) continue;
        drawing.append(
          svg('line', { x1: x(d), x2: x(d), y1: top - 6, y2: height - 22, stroke: '#d5dbe3' }),
          svg('text', { x: x(d) + 2, y: height - 8, class: 'svg-axis' }, monthly ? isoDay(d).slice(0, 7) : String(y)));
      }
    }
    shown.forEach((p, row) => {
      const cy = top + row * rowH + rowH / 2;
      // The person's name on one line, the id under it; a long name is
      // cut at a word (the full one is in the tooltip).
      const m = /^(.*?)\s*(\([^()]*\))?$/.exec(p);
      const name = m[1] || p;
      const nameShown = name.length > 30 ? `${name.slice(0, 29).replace(/\s+\S*$/, '')}…` : name;
      drawing.append(
        svg('text', { x: 4, y: cy - 2, class: 'svg-label' }, svg('title', {}, p), nameShown,
          m[2] ? svg('tspan', { x: 4, dy: 12, class: 'svg-axis' }, m[2]) : null),
        svg('line', { x1: left, x2: width - 12, y1: cy, y2: cy, stroke: '#eef1f5' }));
      for (const e of byPerson.get(p)) {
        const d = dayOf(e.date);
        if (d === null) continue;
        const dEnd = e.ongoing ? hi : dayOf(endOf(e));
        // Outside the period shown (zoomed): not drawn.
        if (d > hi || (dEnd !== null ? dEnd : d) < lo) continue;
        const cls = eventClass(e.kind);
        const colour = EVENT_COLOURS[cls];
        // An open-ended placement runs to the end of the drawing.
        const end = dEnd;
        const text = `${p}: ${e.date}${endOf(e) ? ` to ${endOf(e)}` : e.ongoing ? ' onwards' : ''}, ${humanize(e.kind)}${e.detail ? ` — ${e.detail}` : ''} (${e.record_id || ''})${e.evidence ? ', cited by the alert' : ''}`;
        const tip = svg('title', {}, text);
        const ring = e.evidence ? { stroke: '#1b2430', 'stroke-width': 1.5 } : {};
        const focusable = { tabindex: 0, class: 'mark', 'aria-label': text };
        let mark;
        const xd = Math.max(left, x(Math.max(d, lo)));
        if (end !== null && end > d) {
          const offset = cls === 'placement' ? 2 : -8;
          mark = svg('rect', { x: xd, y: cy + offset, width: Math.max(2, x(Math.min(end, hi)) - xd), height: 6, rx: 2, fill: colour, 'fill-opacity': 0.85, ...ring, ...focusable }, tip);
        } else if (cls === 'entry' || cls === 'exit') {
          const px = x(d);
          const pts = cls === 'entry' ? `${px - 5},${cy + 6} ${px + 5},${cy + 6} ${px},${cy - 5}` : `${px - 5},${cy - 6} ${px + 5},${cy - 6} ${px},${cy + 5}`;
          mark = svg('polygon', { points: pts, fill: colour, ...ring, ...focusable }, tip);
        } else {
          mark = svg('circle', { cx: x(d), cy, r: 4, fill: colour, ...ring, ...focusable }, tip);
        }
        const show = () => { details.textContent = text; };
        mark.addEventListener('mouseenter', show);
        mark.addEventListener('focus', show);
        drawing.append(mark);
      }
    });
    holder.textContent = '';
    holder.append(drawing);
    }
    draw(fullLo, fullHi);
    append(section, [
      el('ul', { class: 'legend', 'aria-hidden': 'true' },
        el('li', {}, el('span', { class: 'sw sw-visa' }), 'visa or permit'),
        el('li', {}, el('span', { class: 'sw sw-placement' }), 'placement'),
        el('li', {}, el('span', { class: 'sw sw-entry' }), 'entry'),
        el('li', {}, el('span', { class: 'sw sw-exit' }), 'exit'),
        el('li', {}, el('span', { class: 'sw sw-payment' }), 'payment'),
        el('li', {}, el('span', { class: 'sw sw-other' }), 'other'),
        el('li', {}, el('span', { class: 'sw sw-cited' }), 'outlined: cited by the alert')),
      zoom, holder, details,
      shown.length < persons.length ? el('p', { class: 'muted' }, `The drawing shows the first ${shown.length} of ${persons.length} persons; the table lists all.`) : null,
      total > persons.length ? el('p', { class: 'muted' }, `The case concerns ${total} persons; the first ${persons.length} are shown.`) : null]);
    const rows = [...events].sort((a, b) => String(a.person_id).localeCompare(String(b.person_id)) || String(a.date).localeCompare(String(b.date)));
    section.append(el('details', { open: events.length <= 40 },
      el('summary', {}, `All ${events.length} events as a table`),
      el('div', { class: 'table-wrap' }, el('table', { id: 'timeline-table' },
        el('caption', {}, 'Events by person and date'),
        el('thead', {}, el('tr', {},
          el('th', { scope: 'col' }, 'Person'),
          el('th', { scope: 'col' }, 'Date'),
          el('th', { scope: 'col' }, 'Event'),
          el('th', { scope: 'col' }, 'Detail'),
          el('th', { scope: 'col' }, 'Record'),
          el('th', { scope: 'col' }, 'Cited by the alert'))),
        el('tbody', {}, rows.map((e) => el('tr', {},
          el('th', { scope: 'row' }, e.person_id || '—'),
          el('td', {}, endOf(e) ? `${e.date} to ${endOf(e)}` : e.ongoing ? `${e.date} onwards` : e.date),
          el('td', {}, humanize(e.kind)),
          el('td', {}, e.detail || ''),
          el('td', { class: 'id-list' }, e.record_id || ''),
          el('td', {}, e.evidence ? 'cited' : ''))))))));
    return section;
  }

  // Network: agencies, workers (and other persons), clients and listed
  // entities in four columns, left to right as the labour flows, each party
  // a labelled box, links as curves between boxes. The list after the
  // drawing gives every party with its links, for screen readers.
  const COLUMNS = [
    { key: 'agency', title: 'Agencies', re: /agenc|staffing|trading|recruit/i, colour: '#0b5cad' },
    { key: 'worker', title: 'Workers and persons', re: /worker|person|record|subject/i, colour: '#1d6b3a' },
    { key: 'client', title: 'Clients and employers', re: /client|employer|restaurant|site|org/i, colour: '#e39b3b' },
    { key: 'listed', title: 'Listed entities', re: /listed|sanction|list_entry/i, colour: '#a4161a' },
  ];
  function columnOf(kind) {
    // Listed first: a "listed_organization" is listed before it is an org.
    if (COLUMNS[3].re.test(kind || '')) return 3;
    for (let i = 0; i < 3; i += 1) if (COLUMNS[i].re.test(kind || '')) return i;
    return 2;
  }

  function networkSection(allNodes, allEdges) {
    const section = el('section', { class: 'panel', 'aria-labelledby': 'network-title' },
      el('h2', { id: 'network-title' }, 'Network'));
    if (!allNodes.length) {
      section.append(el('p', { class: 'muted' }, 'No agencies, clients, workers or listed entities are linked to this case.'));
      return section;
    }
    const label = new Map(allNodes.map((n) => [n.id, n.label || n.id]));
    const kindOf = new Map(allNodes.map((n) => [n.id, n.kind]));
    const neighbours = new Map(allNodes.map((n) => [n.id, new Set()]));
    for (const e of allEdges) {
      if (neighbours.has(e.from) && neighbours.has(e.to)) {
        neighbours.get(e.from).add(e.to);
        neighbours.get(e.to).add(e.from);
      }
    }
    // Details of the party under the pointer or the keyboard focus.
    const details = el('p', { id: 'network-detail', class: 'detail-box', 'aria-live': 'polite' },
      'Point at or tab to a party for its full name and links; press Enter or click to show only it and its neighbours.');
    const holder = el('div', { class: 'figure' });
    const controls = el('div', { class: 'actions', id: 'network-controls' });
    const describe = (id) => {
      const links = [...(neighbours.get(id) || [])].map((n) => label.get(n));
      return `${label.get(id)} (${humanize(kindOf.get(id))}, ${id}): ${links.length} link${links.length === 1 ? '' : 's'}${links.length ? ` (${links.slice(0, 8).join('; ')}${links.length > 8 ? '; …' : ''})` : ''}.`;
    };

    // Draws the network, or with `focusId` that party and every neighbour
    // of it (none left out for space).
    function draw(focusId) {
      const nodes = focusId ? allNodes.filter((n) => n.id === focusId || neighbours.get(focusId).has(n.id)) : allNodes;
      const ids = new Set(nodes.map((n) => n.id));
      const edges = allEdges.filter((e) => ids.has(e.from) && ids.has(e.to));
      const PER_COLUMN = focusId ? Infinity : 30;
      const cols = COLUMNS.map(() => []);
      for (const n of nodes) cols[columnOf(n.kind)].push(n);
      for (const col of cols) col.sort((a, b) => String(a.label).localeCompare(String(b.label)));
      const boxW = 190; const boxH = 18; const gap = 90; const rowH = 24; const top = 30; const pad = 6;
      const width = pad * 2 + 4 * boxW + 3 * gap;
      const tallest = Math.max(...cols.map((c) => Math.min(c.length, PER_COLUMN + 1)), 1);
      const height = top + tallest * rowH + 10;
      const colX = [0, 1, 2, 3].map((i) => pad + i * (boxW + gap));
      const pos = new Map();
      cols.forEach((col, ci) => {
        const shown = Math.min(col.length, PER_COLUMN + (col.length > PER_COLUMN ? 1 : 0));
        // Whole rows, so every column shares one grid and the lanes
        // between rows are free in all of them.
        const offset = top + Math.floor((tallest - shown) / 2) * rowH;
        col.slice(0, PER_COLUMN).forEach((n, i) => pos.set(n.id, { x: colX[ci], y: offset + i * rowH + rowH / 2, ci }));
      });
      const drawing = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': 'network-svg-title network-svg-desc' },
        svg('title', { id: 'network-svg-title' }, focusId ? `Neighbours of ${label.get(focusId)}` : 'Network of the case'),
        svg('desc', { id: 'network-svg-desc' }, `${nodes.length} parties and ${edges.length} links; the list below gives each party with its links.`));
      COLUMNS.forEach((c, ci) => drawing.append(svg('text', { x: colX[ci] + boxW / 2, y: 16, 'text-anchor': 'middle', class: 'svg-axis', 'font-weight': 'bold' }, `${c.title} (${cols[ci].length})`)));
      const edgeLayer = svg('g', { fill: 'none', stroke: '#9aa7b6', 'stroke-width': 1.2 });
      for (const e of edges) {
        const a = pos.get(e.from); const b = pos.get(e.to);
        if (!a || !b) continue;
        let d;
        if (a.ci === b.ci) {
          // Same column: a loop in the gap on its right.
          const x = a.x + boxW;
          d = `M ${x} ${a.y} C ${x + 40} ${a.y}, ${x + 40} ${b.y}, ${x} ${b.y}`;
        } else {
          const [l, r] = a.ci < b.ci ? [a, b] : [b, a];
          const x1 = l.x + boxW; const x2 = r.x;
          if (r.ci - l.ci === 1) {
            const mx = (x1 + x2) / 2;
            d = `M ${x1} ${l.y} C ${mx} ${l.y}, ${mx} ${r.y}, ${x2} ${r.y}`;
          } else {
            // Across a column: through the gaps and along the lane between
            // two rows, never behind a box.
            const g1 = x1 + gap / 2; const g2 = x2 - gap / 2;
            const lane = r.y - rowH / 2;
            d = `M ${x1} ${l.y} H ${g1} V ${lane} H ${g2} V ${r.y} H ${x2}`;
          }
        }
        const strong = /listed|sanction|own|direct|represent/i.test(e.kind || '');
        edgeLayer.append(svg('path', {
          d,
          stroke: strong ? '#a4161a' : null,
          'stroke-dasharray': /own|direct|represent/i.test(e.kind || '') ? '4 3' : null,
        }, svg('title', {}, `${label.get(e.from)} — ${humanize(e.kind)} — ${label.get(e.to)}`)));
      }
      drawing.append(edgeLayer);
      cols.forEach((col, ci) => {
        col.slice(0, PER_COLUMN).forEach((n) => {
          const p = pos.get(n.id);
          const text = String(n.label || n.id);
          // Labels fit the box: cut at a word where possible; the full
          // name is in the tooltip and the details line.
          const max = 29;
          const shown = text.length > max ? `${text.slice(0, max - 1).replace(/\s+\S*$/, '') || text.slice(0, max - 1)}…` : text;
          const g = svg('g', { tabindex: 0, role: 'button', class: `node${n.id === focusId ? ' focused' : ''}`, 'data-node': n.id, 'aria-label': describe(n.id) },
            svg('rect', { x: p.x, y: p.y - boxH / 2, width: boxW, height: boxH, rx: 4, fill: n.id === focusId ? '#fff6d6' : '#fff', stroke: COLUMNS[ci].colour, 'stroke-width': 1.5 }),
            svg('rect', { x: p.x, y: p.y - boxH / 2, width: 5, height: boxH, rx: 2, fill: COLUMNS[ci].colour }),
            svg('text', { x: p.x + 10, y: p.y + 4, class: 'svg-label' }, shown),
            svg('title', {}, `${text} (${humanize(n.kind)}, ${n.id})`));
          const show = () => { details.textContent = describe(n.id); };
          g.addEventListener('mouseenter', show);
          g.addEventListener('focus', show);
          const expand = () => { draw(n.id === focusId ? null : n.id); const again = holder.querySelector(`[data-node="${CSS.escape(n.id)}"]`); if (again) again.focus(); };
          g.addEventListener('click', expand);
          g.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); expand(); } });
          drawing.append(g);
        });
        if (col.length > PER_COLUMN) {
          drawing.append(svg('text', { x: colX[ci] + boxW / 2, y: pos.get(col[PER_COLUMN - 1].id).y + rowH + 4, 'text-anchor': 'middle', class: 'svg-axis' }, `+ ${col.length - PER_COLUMN} more (see the list)`));
        }
      });
      holder.textContent = '';
      holder.append(drawing);
      controls.textContent = '';
      if (focusId) {
        const back = el('button', { type: 'button', class: 'secondary', id: 'network-all' }, 'Show the whole network');
        back.addEventListener('click', () => { draw(null); details.textContent = 'The whole network is shown.'; });
        append(controls, [el('span', {}, `Showing ${label.get(focusId)} and its ${nodes.length - 1} neighbours. `), back]);
      }
    }
    draw(null);
    section.append(
      el('ul', { class: 'legend', 'aria-hidden': 'true' },
        COLUMNS.map((c) => el('li', {}, el('span', { class: `sw sw-${c.key}` }), c.title.toLowerCase())),
        el('li', {}, 'red: listed, owns, directs or represents')),
      controls, holder, details);
    // The accessible list: every party, grouped, with its links.
    const cols = COLUMNS.map(() => []);
    for (const n of allNodes) cols[columnOf(n.kind)].push(n);
    for (const col of cols) col.sort((a, b) => String(a.label).localeCompare(String(b.label)));
    const linksOf = new Map();
    for (const e of allEdges) {
      if (!linksOf.has(e.from)) linksOf.set(e.from, []);
      if (!linksOf.has(e.to)) linksOf.set(e.to, []);
      linksOf.get(e.from).push(`${humanize(e.kind)} → ${label.get(e.to) || e.to}`);
      linksOf.get(e.to).push(`${humanize(e.kind)} ← ${label.get(e.from) || e.from}`);
    }
    section.append(el('details', { open: allNodes.length <= 12 },
      el('summary', {}, `All ${allNodes.length} parties and their links as a list`),
      el('div', { id: 'network-list' }, COLUMNS.map((c, ci) => (cols[ci].length ? [
        el('h3', {}, `${c.title} (${cols[ci].length})`),
        el('ul', {}, cols[ci].map((n) => el('li', {},
          el('strong', {}, n.label || n.id), ` (${humanize(n.kind)}, `, el('code', {}, n.id), ')',
          (linksOf.get(n.id) || []).length ? el('ul', {}, linksOf.get(n.id).map((t) => el('li', {}, t))) : null))),
      ] : null)))));
    return section;
  }

  function commentsSection(comments) {
    return el('section', { class: 'panel', 'aria-labelledby': 'comments-title' },
      el('h2', { id: 'comments-title' }, `Comments (${comments.length})`),
      comments.length ? el('ol', { class: 'history' }, comments.map((m) => el('li', {},
        el('time', { datetime: m.at || m.created_at || '' }, `${fmtTime(m.at || m.created_at)} · ${who(m.author || m.actor)}`),
        m.text || ''))) : el('p', { class: 'muted' }, 'No comments yet.'));
  }

  /** What an action changed, from the audit entry's before and after states. */
  function stateChange(before, after) {
    const flat = (o, prefix = '') => Object.entries(o || {}).flatMap(([k, v]) => (
      v && typeof v === 'object' && !Array.isArray(v) ? flat(v, `${prefix}${k} `) : [[`${prefix}${k}`, v]]));
    const a = new Map(flat(before));
    const b = new Map(flat(after));
    const keys = [...new Set([...a.keys(), ...b.keys()])];
    // Actors by name; codes (status, resolution) read out; other values as
    // written (a key id is never re-capitalised).
    const show = (k, v) => {
      if (v === null || v === undefined || v === '') return '—';
      if (ACTOR_FIELDS.test(k)) return who(String(v));
      return /(status|resolution|kind)$/.test(k) ? humanize(String(v)) : String(v);
    };
    // A field that only went from absent to empty changed nothing.
    return keys.filter((k) => show(k, a.get(k)) !== show(k, b.get(k)))
      .map((k) => (before ? `${humanize(k)}: ${show(k, a.get(k))} → ${show(k, b.get(k))}` : `${humanize(k)}: ${show(k, b.get(k))}`))
      .join('; ');
  }

  // Rule ids inside a recorded text, read out (`VISA_RUN_CYCLE` → Visa run
  // cycle); key ids and other codes are left as written.
  const readRules = (text) => text.replace(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g, (r) => humanize(r));

  /**
   * One audit entry as a sentence: who did what, then the words they wrote
   * (comment, rationale) after a colon. Built from the entry's action and
   * its before and after states; the store's detail text is used only for
   * what the states do not hold (the free text, an investigation's rules).
   * The export (`/audit`) keeps the entry as recorded.
   */
  function auditSentence(h) {
    const actor = who(h.actor);
    const b = h.before || {};
    const a = h.after || {};
    const detail = typeof h.detail === 'string' ? h.detail : (h.detail ? JSON.stringify(h.detail) : '');
    const reading = (code) => humanize(String(code || '')).toLowerCase();
    // The words after the store's fixed prefix (`true_match: ...`).
    const words = (prefix) => {
      const rest = prefix && detail.startsWith(prefix) ? detail.slice(prefix.length) : detail;
      const text = rest.replace(/^:\s*/, '').trim();
      return text ? `: ${text}` : '';
    };
    const asked = (ap) => (ap && ap.requested_by ? ` (asked by ${who(ap.requested_by)})` : '');
    switch (h.action) {
      case 'create':
        return /^opened /.test(detail) ? `${actor} ${readRules(detail)}` : `${actor} opened the case${detail ? `: ${readRules(detail)}` : ''}`;
      case 'extend':
        return `${actor} added to the investigation: ${readRules(detail)}`;
      case 'assign':
        return a.assignee ? `${actor} assigned the case to ${who(a.assignee)}` : `${actor} unassigned the case`;
      case 'comment':
        return `${actor} commented${words('')}`;
      case 'status':
        return `${actor} moved the case from ${reading(b.status)} to ${reading(a.status)}`;
      case 'close':
        return `${actor} closed the case as ${reading(a.resolution)}${words(a.resolution || '')}`;
      case 'request_approval': {
        const res = (a.approval || {}).resolution;
        return `${actor} asked to close as ${reading(res)}${words(res || '')}`;
      }
      case 'approve': {
        const ap = b.approval || {};
        return `${actor} approved closing as ${reading(a.resolution || ap.resolution)}${asked(ap)}${words(`approved ${ap.resolution} requested by ${ap.requested_by}`)}`;
      }
      case 'reject_approval': {
        const ap = b.approval || {};
        return `${actor} refused to close as ${reading(ap.resolution)}${asked(ap)} and sent the case back to review${words(`rejected ${ap.resolution} requested by ${ap.requested_by}`)}`;
      }
      case 'suppressed':
        return `${actor} imported a hit again; not raised: ${detail.replace(/^hit on record/, 'record')}`;
      default: {
        const change = stateChange(h.before, h.after);
        return `${actor}: ${humanize(h.action).toLowerCase()}${change ? ` (${change})` : ''}${detail ? `: ${readRules(detail)}` : ''}`;
      }
    }
  }

  function historySection(history) {
    return el('section', { class: 'panel', 'aria-labelledby': 'history-title' },
      el('h2', { id: 'history-title' }, 'History (audit log)'),
      history.length ? el('ol', { class: 'history' }, history.map((h) => el('li', {},
        el('time', { datetime: h.at || '' }, `${fmtTime(h.at)} · entry ${h.seq}`),
        el('span', { class: 'sentence' }, auditSentence(h))))) : el('p', { class: 'muted' }, 'Nothing recorded yet.'));
  }

  function actionsSection(c, me, flash) {
    const section = el('section', { class: 'panel', 'aria-labelledby': 'actions-title' },
      el('h2', { id: 'actions-title' }, 'Work the case'));
    const act = async (label, path, body) => {
      flash.textContent = '';
      try {
        // The version this page shows: if someone changed the case since,
        // the server refuses (409 version_conflict) instead of overwriting.
        await api('POST', `/cases/${encodeURIComponent(c.id)}/${path}`, { ...(body || {}), version: c.version });
        pendingMessage = label;
        await viewCase(c.id);
      } catch (e) {
        flash.append(notice('error', `${errorText(e)}`));
        announce(errorText(e));
      }
    };
    if (c.status === 'closed') {
      section.append(el('p', {}, `Closed as ${humanize(c.resolution)}.`));
    }

    // Approval (four eyes).
    if (c.status === 'pending_approval') {
      const requestedBy = c.approval && c.approval.requested_by;
      const mine = requestedBy && requestedBy === me.key_id;
      const rationale = el('textarea', { id: 'approve-rationale', name: 'rationale' });
      const approve = el('form', { 'aria-labelledby': 'approve-title' },
        el('h3', { id: 'approve-title' }, 'Approve the closure'),
        el('p', {}, `Closing as a true match needs a second analyst. Requested by `, el('strong', {}, requestedBy ? who(requestedBy) : 'unknown'), '.'),
        mine ? el('p', { class: 'notice info', id: 'four-eyes-note' }, 'You asked for this closure, so a different analyst must approve it.') : null,
        field('Approval note (optional)', rationale),
        el('div', { class: 'actions' },
          el('button', { type: 'submit', disabled: mine, 'aria-describedby': mine ? 'four-eyes-note' : null }, 'Approve closure'),
          el('button', { type: 'button', class: 'secondary', id: 'reject-approval' }, 'Send back for review')));
      approve.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const body = rationale.value.trim() ? { rationale: rationale.value.trim() } : {};
        act('Closure approved.', 'approve', body);
      });
      approve.querySelector('#reject-approval').addEventListener('click', () => act('Sent back for review.', 'reject-approval', {}));
      section.append(approve);
    }

    if (c.status !== 'closed') {
      // Assign.
      const assignee = el('input', { id: 'assignee', name: 'assignee', type: 'text', value: c.assignee || '', size: 16 });
      const assign = el('form', { 'aria-labelledby': 'assign-title' },
        el('h3', { id: 'assign-title' }, 'Assignee'),
        el('div', { class: 'row' }, field('Assign to', assignee, 'Key id or name'),
          el('button', { type: 'submit', class: 'secondary' }, 'Assign'),
          el('button', { type: 'button', class: 'secondary', id: 'assign-me' }, 'Assign to me')));
      assign.addEventListener('submit', (ev) => { ev.preventDefault(); if (assignee.value.trim()) act('Assigned.', 'assign', { assignee: assignee.value.trim() }); });
      assign.querySelector('#assign-me').addEventListener('click', () => act('Assigned to you.', 'assign', { assignee: me.key_id }));
      section.append(assign);

      // Status.
      if (c.status !== 'pending_approval') {
        const status = select('new-status', 'status', [['open', 'Open'], ['in_review', 'In review'], ['escalated', 'Escalated']], c.status);
        const form = el('form', { 'aria-labelledby': 'status-title' },
          el('h3', { id: 'status-title' }, 'Status'),
          el('div', { class: 'row' }, field('Set status', status), el('button', { type: 'submit', class: 'secondary' }, 'Set status')));
        form.addEventListener('submit', (ev) => { ev.preventDefault(); act(`Status set to ${humanize(status.value)}.`, 'status', { status: status.value }); });
        section.append(form);
      }
    }

    // Comment (also on closed cases: notes after the fact).
    const text = el('textarea', { id: 'comment-text', name: 'text', required: true });
    const comment = el('form', { 'aria-labelledby': 'comment-title' },
      el('h3', { id: 'comment-title' }, 'Comment'),
      field('Comment', text),
      el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'secondary' }, 'Add comment')));
    comment.addEventListener('submit', (ev) => { ev.preventDefault(); if (text.value.trim()) act('Comment added.', 'comment', { text: text.value.trim() }); });
    section.append(comment);

    // Close.
    if (c.status !== 'closed' && c.status !== 'pending_approval') {
      const rationale = el('textarea', { id: 'close-rationale', name: 'rationale', required: true, 'aria-describedby': 'close-hint' });
      // Nothing is preselected: the analyst chooses the resolution.
      const radio = (value, label, checked) => el('label', {}, el('input', { type: 'radio', name: 'resolution', value, checked, required: true }), label);
      const close = el('form', { 'aria-labelledby': 'close-title' },
        el('h3', { id: 'close-title' }, 'Close the case'),
        el('fieldset', {}, el('legend', {}, 'Resolution'),
          el('div', { class: 'radios' },
            radio('true_match', 'True match', false),
            radio('false_positive', 'False positive', false),
            radio('not_actionable', 'Not actionable', false))),
        el('div', { class: 'field' }, el('label', { for: 'close-rationale' }, 'Rationale'), rationale,
          el('span', { class: 'hint', id: 'close-hint' }, 'Required. A true match waits for a second analyst’s approval.')),
        el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'danger' }, 'Close case')));
      close.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const resolution = new FormData(close).get('resolution');
        act(resolution === 'true_match' ? 'Closure requested: waiting for a second analyst.' : 'Case closed.', 'close',
          { resolution, rationale: rationale.value });
      });
      section.append(close);
    }
    return section;
  }

  // ---------------------------------------------------------------- dashboard

  async function viewDashboard() {
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

  /** Downloads the whole audit log as JSON lines (`GET /audit?format=jsonl`). */
  function auditExport() {
    const status = el('span', { id: 'audit-export-status', role: 'status' });
    const button = el('button', { type: 'button', class: 'secondary', id: 'audit-export' }, 'Export the audit log (JSON lines)');
    button.addEventListener('click', async () => {
      status.textContent = '';
      try {
        const response = await fetch('/audit?format=jsonl', { headers: { Authorization: `Bearer ${session.key}` } });
        if (!response.ok) throw new ApiError(response.status, null, await response.text());
        const text = await response.text();
        const lines = text.split('\n').filter(Boolean).length;
        const link = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' })), download: 'yalu-audit.jsonl', id: 'audit-export-link' }, 'yalu-audit.jsonl');
        append(status, [`${count.format(lines)} entries: `, link]);
        link.click();
      } catch (e) {
        status.textContent = `Export failed: ${errorText(e)}`;
      }
    });
    return el('div', { class: 'actions' }, button, ' ', status);
  }

  // ---------------------------------------------------------------- start

  /** A part of a page drawn by another module (entity.js), if loaded. */
  function widget(name, ...args) {
    const w = (window.yaluWidgets || {})[name];
    return w ? w(...args) : null;
  }
  // The helpers other modules draw with.
  window.yalu = { el, svg, api, render, announce, notice, errorText, humanize, fmtScore, fmtTime, badge };

  showSession();
  route();
})();
