// Yalu workbench: the entity page (#/entities/ID): a list entry's names,
// identifiers, programmes and sources, and its network (the entity in the
// middle, linked entities around it as SVG, then the same as a list), from
// `GET /entities/ID?nested=true`. Reached from the screening page's hits
// and instant search (search.js).

import { el, svg, announce, badge } from './dom.js';
import { fmtTime, humanize } from './format.js';
import { api } from './api.js';
import { render } from './page.js';

// Property groups of the entity page, in FollowTheMoney names.
const NAME_PROPS = ['name', 'alias', 'previousName', 'weakAlias', 'firstName', 'middleName', 'lastName', 'fatherName'];
const ID_PROPS = ['passportNumber', 'idNumber', 'registrationNumber', 'taxNumber', 'innCode', 'imoNumber',
  'mmsi', 'callSign', 'cryptoWallet', 'email', 'website'];
const PROGRAMME_PROPS = ['program', 'programId', 'topics'];
const SOURCE_PROPS = ['sourceUrl'];
const SHOWN = new Set([...NAME_PROPS, ...ID_PROPS, ...PROGRAMME_PROPS, ...SOURCE_PROPS]);

/** `ownershipAsset` → `Ownership asset`. */
function readProp(p) {
  return humanize(p.replace(/([a-z])([A-Z])/g, '$1_$2'));
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
  return el('section', { class: 'panel', 'aria-labelledby': id }, el('h2', { id }, title), content);
}

/** The network: the entity in the middle, linked entities around it (SVG), then the same as a list. */
function networkSection(entity, links) {
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

export async function viewEntity(parts) {
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
          el('dt', {}, 'First seen'), el('dd', {}, fmtTime(entity.first_seen)),
          el('dt', {}, 'Last change'), el('dd', {}, fmtTime(entity.last_change)),
          (entity.referents || []).length ? [el('dt', {}, 'Also known as ids'), el('dd', {}, entity.referents.join(', '))] : null),
        (props.sourceUrl || []).length ? valuesList(entity, SOURCE_PROPS) : null)),
    networkSection(entity, links),
    other.length ? section('entity-other-title', 'Other details', valuesList(entity, other)) : null);
  announce(`${entity.caption}: ${links.length} link${links.length === 1 ? '' : 's'}.`);
}
