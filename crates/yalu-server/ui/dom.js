// Yalu workbench: DOM helpers shared by every page. Every element is made
// with `el()` (or `svg()`) from text nodes, never from HTML strings, so list
// data cannot inject markup. Also the small form parts (`field`, `select`),
// badges, notices and the screen-reader announcer. Renders no page itself.

import { humanize } from './format.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const announcer = document.getElementById('announcer');

/** Makes an element. `attrs`: attributes, plus `on*` handlers and `class`. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

/** Makes an SVG element. */
export function svg(tag, attrs, ...children) {
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

/** Appends `children` (nested arrays, strings, nodes; null skipped) to `node`. */
export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Says `text` through the live region (`#announcer`). */
export function announce(text) {
  // Cleared first so that the same message twice is read twice.
  announcer.textContent = '';
  window.setTimeout(() => { announcer.textContent = text; }, 50);
}

export function badge(kind, value) {
  if (!value) return null;
  return el('span', { class: `badge ${kind}-${value}` }, humanize(value));
}
export function notice(kind, text) {
  return el('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : null }, text);
}
export function field(label, control, hint) {
  const id = control.id;
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return el('div', { class: 'field' },
    el('label', { for: id }, label),
    control,
    hint ? el('span', { class: 'hint', id: hintId }, hint) : null);
}
export function select(id, name, options, current) {
  return el('select', { id, name },
    options.map(([value, label]) => el('option', { value, selected: value === current }, label)));
}
