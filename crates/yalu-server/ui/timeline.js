// Yalu workbench: the timeline of the case page. One row per person;
// documents and placements as bars when they have an end, crossings and
// other events as marks, with a zoom to a shorter period. The table after
// the drawing carries the same events for screen readers and keyboard users.

import { el, svg, append, field } from './dom.js';
import { humanize } from './format.js';

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

export function timelineSection(events, total) {
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
