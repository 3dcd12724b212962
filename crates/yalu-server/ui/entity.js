// Yalu workbench: the entity page (#/entities/ID) and the instant search box
// of the screening page. An ES module beside app.js: it registers its pages
// in `window.yaluPages` (route name -> view) and its parts of other pages in
// `window.yaluWidgets` before app.js runs (index.html loads it first), and
// uses app.js's helpers (`window.yalu`: el, svg, api, render...) when a page
// is drawn. Like app.js, it builds every element from text nodes.

const pages = window.yaluPages || (window.yaluPages = {});
const widgets = window.yaluWidgets || (window.yaluWidgets = {});
const y = () => window.yalu;

// Property groups of the entity page, in FollowTheMoney names.
const NAME_PROPS = ['name', 'alias', 'previousName', 'weakAlias', 'firstName', 'middleName', 'lastName', 'fatherName'];
const ID_PROPS = ['passportNumber', 'idNumber', 'registrationNumber', 'taxNumber', 'innCode', 'imoNumber',
  'mmsi', 'callSign', 'cryptoWallet', 'email', 'website'];
const PROGRAMME_PROPS = ['program', 'programId', 'topics'];
const SOURCE_PROPS = ['sourceUrl'];
const SHOWN = new Set([...NAME_PROPS, ...ID_PROPS, ...PROGRAMME_PROPS, ...SOURCE_PROPS]);

/** `ownershipAsset` → `Ownership asset`. */
function readProp(p) {
  return y().humanize(p.replace(/([a-z])([A-Z])/g, '$1_$2'));
}

/**
 * The links of a nested entity (`/entities/ID?nested=true`): each relationship
 * with the end the entity is on and the entity at the other end.
 */
function linksOf(entity) {
  const out = [];
  for (const [prop, values] of Object.entries(entity.properties || {})) {
    for (const rel of values) {
      if (!rel || typeof rel !== 'object' || !rel.properties) continue;
      let other = null;
      let otherEnd = null;
      for (const [k, vs] of Object.entries(rel.properties)) {
        const v = (vs || [])[0];
        if (v && typeof v === 'object' && v.id !== entity.id) { other = v; otherEnd = k; }
      }
      if (!other) continue;
      const p = rel.properties;
      out.push({
        prop,
        rel,
        other,
        otherEnd,
        role: (p.role || [])[0] || '',
        description: (p.description || p.summary || [])[0] || '',
      });
    }
  }
  return out;
}

/** How the two are linked: `Directorship (Managing Director): KIM, Tong-chol is the director`. */
function relationText(link) {
  const role = link.role ? ` (${link.role})` : '';
  return `${link.rel.schema}${role}: ${link.other.caption} is the ${readProp(link.otherEnd).toLowerCase()}`;
}

function valuesList(entity, props) {
  const { el } = y();
  const rows = props.filter((p) => (entity.properties[p] || []).some((v) => typeof v === 'string'));
  if (!rows.length) return el('p', { class: 'muted' }, 'None recorded.');
  return el('dl', { class: 'facts' }, rows.map((p) => [
    el('dt', {}, readProp(p)),
    el('dd', {}, el('ul', { class: 'plain' }, entity.properties[p]
      .filter((v) => typeof v === 'string')
      .map((v) => el('li', {}, p === 'sourceUrl' && /^https?:\/\//.test(v)
        ? el('a', { href: v, rel: 'noopener noreferrer' }, v) : v)))),
  ]));
}

function section(id, title, ...content) {
  const { el } = y();
  return el('section', { class: 'panel', 'aria-labelledby': id }, el('h2', { id }, title), content);
}

/** The network: the entity in the middle, linked entities around it (SVG), then the same as a list. */
function networkSection(entity, links) {
  const { el, svg } = y();
  const body = [];
  if (!links.length) {
    body.push(el('p', { class: 'muted' }, 'No links to other entities in the loaded lists.'));
    return section('entity-network-title', 'Network', body);
  }
  const SHOWN_NODES = 16;
  const others = [];
  const seen = new Map();
  for (const l of links) {
    if (!seen.has(l.other.id)) { seen.set(l.other.id, others.length); others.push({ entity: l.other, links: [] }); }
    others[seen.get(l.other.id)].links.push(l);
  }
  const drawn = others.slice(0, SHOWN_NODES);
  const w = 760; const h = Math.max(320, 120 + drawn.length * 18);
  const cx = w / 2; const cy = h / 2; const r = Math.min(cx, cy) - 50;
  const drawing = svg('svg', { viewBox: `0 0 ${w} ${h}`, role: 'img', 'aria-labelledby': 'entity-network-svg-title', class: 'network' },
    svg('title', { id: 'entity-network-svg-title' },
      `${entity.caption} and ${others.length} linked entit${others.length === 1 ? 'y' : 'ies'}; the list below gives each with its links.`));
  const label = (t) => (t.length > 30 ? `${t.slice(0, 29)}…` : t);
  drawn.forEach((o, i) => {
    const a = (2 * Math.PI * i) / drawn.length - Math.PI / 2;
    const x = cx + r * Math.cos(a); const yy = cy + r * Math.sin(a);
    const listed = o.entity.target;
    drawing.append(svg('line', { x1: cx, y1: cy, x2: x, y2: yy, stroke: listed ? '#a4161a' : '#9aa7b6', 'stroke-width': 1.4 },
      svg('title', {}, `${entity.caption} — ${o.links.map(relationText).join('; ')} — ${o.entity.caption}`)));
    const link = svg('a', { href: `#/entities/${encodeURIComponent(o.entity.id)}` },
      svg('circle', { cx: x, cy: yy, r: 7, fill: listed ? '#a4161a' : '#fff', stroke: '#44546a', 'stroke-width': 1.4 }),
      svg('text', { x, y: yy + (yy < cy ? -12 : 20), 'text-anchor': 'middle', class: 'svg-label' }, label(o.entity.caption)),
      svg('title', {}, `${o.entity.caption} (${o.entity.schema}, ${o.entity.id}${listed ? ', listed' : ''})`));
    drawing.append(link);
  });
  drawing.append(svg('circle', { cx, cy, r: 11, fill: entity.target ? '#a4161a' : '#1d3557' }),
    svg('text', { x: cx, y: cy - 16, 'text-anchor': 'middle', class: 'svg-label', 'font-weight': 'bold' }, label(entity.caption)));
  body.push(el('ul', { class: 'legend', 'aria-hidden': 'true' },
    el('li', {}, 'red: listed (a screening target)'), el('li', {}, 'white: in the loaded data, not listed')));
  body.push(el('div', { class: 'figure' }, drawing));
  if (others.length > SHOWN_NODES) body.push(el('p', { class: 'muted' }, `${others.length - SHOWN_NODES} more in the list below.`));
  body.push(el('h3', { id: 'entity-links-title' }, `Linked entities (${others.length})`),
    el('ul', { id: 'entity-links', 'aria-labelledby': 'entity-links-title' }, others.map((o) => el('li', {},
      el('a', { href: `#/entities/${encodeURIComponent(o.entity.id)}` }, o.entity.caption),
      ` (${o.entity.schema}, `, el('code', {}, o.entity.id), o.entity.target ? ', listed' : ', not listed', ')',
      el('ul', {}, o.links.map((l) => el('li', {}, relationText(l),
        l.description ? el('div', { class: 'muted' }, `“${l.description}”`) : null)))))));
  return section('entity-network-title', 'Network', body);
}

async function viewEntity(parts) {
  const { el, api, render, announce, badge } = y();
  const id = parts[0];
  const entity = await api('GET', `/entities/${encodeURIComponent(id)}?nested=true`);
  const links = linksOf(entity);
  const props = entity.properties || {};
  const other = Object.keys(props).filter((p) => !SHOWN.has(p) && props[p].some((v) => typeof v === 'string'));
  render(entity.caption,
    el('p', { class: 'muted' }, el('a', { href: '#/screen' }, '← Screening')),
    el('div', { class: 'case-head' },
      el('h1', { id: 'entity-title' }, entity.caption),
      badge('listed', entity.target ? 'listed' : 'not_listed')),
    el('p', { class: 'props' }, `${entity.schema} · `, el('code', {}, entity.id)),
    el('div', { class: 'case-grid' },
      section('entity-names-title', 'Names', valuesList(entity, NAME_PROPS)),
      section('entity-ids-title', 'Identifiers', valuesList(entity, ID_PROPS)),
      section('entity-programmes-title', 'Programmes', valuesList(entity, PROGRAMME_PROPS)),
      section('entity-sources-title', 'Sources',
        el('dl', { class: 'facts' },
          el('dt', {}, 'Datasets'), el('dd', {}, (entity.datasets || []).join(', ') || '—'),
          el('dt', {}, 'First seen'), el('dd', {}, y().fmtTime(entity.first_seen)),
          el('dt', {}, 'Last change'), el('dd', {}, y().fmtTime(entity.last_change)),
          (entity.referents || []).length ? [el('dt', {}, 'Also known as ids'), el('dd', {}, entity.referents.join(', '))] : null),
        (props.sourceUrl || []).length ? valuesList(entity, SOURCE_PROPS) : null)),
    networkSection(entity, links),
    other.length ? section('entity-other-title', 'Other details', valuesList(entity, other)) : null);
  announce(`${entity.caption}: ${links.length} link${links.length === 1 ? '' : 's'}.`);
}

/** The instant search box of the screening page: `/search` as you type. */
function searchPanel() {
  const { el, api, announce, errorText, fmtScore } = y();
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

/** A hit's listed links (`/match` `linked`): `owned by X (listed)`. */
function linkedLine(hit) {
  const { el } = y();
  const linked = hit.linked || [];
  if (!linked.length) return null;
  return el('p', { class: 'linked' }, hit.target === false ? 'Not listed itself; linked to: ' : 'Linked to: ',
    linked.map((l, i) => [i ? '; ' : '', `${l.relation} `,
      el('a', { href: `#/entities/${encodeURIComponent(l.id)}` }, l.caption), ' (listed)']));
}

pages.entities = viewEntity;
widgets.searchPanel = searchPanel;
widgets.linkedLine = linkedLine;
