// Yalu workbench: the signed-in key (kept in this tab's sessionStorage, never
// elsewhere) and the header that shows it: the navigation links the key's
// role may use and "Signed in as ...".

import { el, append } from './dom.js';

const KEY_SLOT = 'yalu.apiKey';
const ME_SLOT = 'yalu.me';

export const session = {
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

/** Shows the session in the header (navigation, who is signed in), or hides it. */
export function showSession() {
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
