// Yalu workbench: the frame every page is drawn in. `render()` replaces the
// content of `<main>`, sets the title, moves focus to the heading and shows
// the message left for the next page (`nextMessage()`); `go()` and
// `reload()` navigate (routes live in the URL hash); `markNav()` marks the
// current link; `needAnalyst()` is the page a screener's key gets instead
// of an analyst's page. The router itself is in app.js, which registers it
// here (`setRouter`) so that no page module imports app.js.

import { el, append, announce, notice } from './dom.js';
import { session } from './session.js';

const main = document.getElementById('main');

let pendingMessage = null;
let router = () => {};

/** Registers the function that draws the page of the current hash (app.js). */
export function setRouter(fn) {
  router = fn;
}

/** Leaves `text` for the next page drawn: shown under its heading and announced. */
export function nextMessage(text) {
  pendingMessage = text;
}

/** Goes to `hash`, or draws its page again when it is the current one. */
export function go(hash) {
  if (location.hash === hash) router(); else location.hash = hash;
}

/** Draws the page of the current hash again. */
export function reload() {
  return router();
}

/** Replaces the page content, sets the title and moves focus to the heading. */
export function render(title, ...content) {
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

export function markNav(name) {
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

/** The page shown instead of an analyst's page to a screener's key. */
export function needAnalyst(what) {
  render(what, el('h1', {}, what),
    notice('info', `${what} need an analyst or admin key; you are signed in as a ${(session.me || {}).role || 'screener'}.`));
}
