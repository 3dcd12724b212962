// Yalu workbench: one small single-page app over the JSON API of `yalu serve`.
// No framework and no build step: native ES modules, one per page, loaded by
// the browser from this entry module (index.html loads it as
// `type="module"`). This module is the router: routes live in the URL hash
// (#/screen, #/cases?status=open, #/cases/ID, #/entities/ID, #/dashboard),
// so the back button, bookmarks and reloads work.
//
// Modules, each importing only those before it (no cycles):
//   format.js   numbers, times, codes read out, who acted
//   dom.js      el()/svg() from text nodes, fields, badges, the announcer
//   session.js  the key kept in this tab, the header showing it
//   page.js     render(), go(), reload(), messages for the next page
//   api.js      fetch with the key, ApiError, errorText()
//   explain.js, audit.js, timeline.js, network.js, search.js  parts of pages
//   login.js, screen.js, queue.js, case.js, dashboard.js, entity.js  the pages

import { el, notice } from './dom.js';
import { session, showSession } from './session.js';
import { ApiError, errorText } from './api.js';
import { render, go, markNav, nextMessage, setRouter } from './page.js';
import { viewLogin, rememberTarget } from './login.js';
import { viewScreen } from './screen.js';
import { viewCases } from './queue.js';
import { viewCase } from './case.js';
import { viewDashboard } from './dashboard.js';
import { viewEntity } from './entity.js';

document.getElementById('logout').addEventListener('click', () => {
  session.clear();
  showSession();
  nextMessage('You are signed out. The key is forgotten by this tab.');
  go('#/login');
});

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, query] = raw.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query || '') };
}

/** Draws the page of the current hash. */
async function route() {
  const { parts, params } = parseHash();
  const page = parts[0] || 'screen';
  if (!session.key && page !== 'login') {
    rememberTarget(location.hash || '#/screen');
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
    if (page === 'entities') return await viewEntity(parts.slice(1), params);
    render('Not found', el('h1', {}, 'No such page'), el('p', {}, el('a', { href: '#/screen' }, 'Go to screening')));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    render('Error', el('h1', {}, 'Something went wrong'), notice('error', errorText(e)));
  }
}

setRouter(route);
window.addEventListener('hashchange', route);

showSession();
route();
