// Yalu workbench: the network of the case page. Agencies, workers (and other
// persons), clients and listed entities in four columns, left to right as
// the labour flows, each party a labelled box, links as curves between
// boxes; a party can be expanded to itself and all its neighbours. The list
// after the drawing gives every party with its links, for screen readers.

import { el, svg, append } from './dom.js';
import { humanize } from './format.js';

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

export function networkSection(allNodes, allEdges) {
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
