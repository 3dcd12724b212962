// Yalu workbench: the sign-in page (#/login). The analyst pastes an API key;
// `GET /me` says whose it is, and the tab keeps it (session.js) and goes on
// to the page first asked for (`rememberTarget`, set by the router).

import { el, field, notice } from './dom.js';
import { session, showSession } from './session.js';
import { api, errorText } from './api.js';
import { render, go, markNav, nextMessage } from './page.js';

let afterLogin = '#/screen';

/** The page to open once signed in (the one asked for without a key). */
export function rememberTarget(hash) {
  afterLogin = hash;
}

export function viewLogin() {
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
      nextMessage(`Signed in as ${me.label || me.key_id} (${me.role}).`);
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
