// Yalu workbench: formatting shared by every page (money, counts, scores,
// times, codes read out as words) and the display names of the people who
// act on cases. Renders nothing itself; imports nothing.

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
export const count = new Intl.NumberFormat('en-US');

export function fmtMoney(x) { return typeof x === 'number' ? money.format(x) : '—'; }
export function fmtScore(x) { return typeof x === 'number' ? x.toFixed(3) : '—'; }
export function fmtTime(t) {
  if (!t) return '—';
  const s = String(t);
  return s.length > 19 ? s.slice(0, 19).replace('T', ' ') : s.replace('T', ' ');
}
// Words that stay in capitals when a code is read out.
const ACRONYMS = new Set(['dprk', 'un', 'unscr', 'ofac', 'usd', 'id', 'imo', 'uk', 'eu']);
/** `AGENCY_DPRK_CONCENTRATION` → `Agency DPRK concentration`. */
export function humanize(id) {
  if (!id) return '—';
  const words = String(id).replace(/_/g, ' ').toLowerCase().split(' ')
    .map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w));
  const s = words.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
// Display names of the keys in the last workbench answer (`people`:
// key id → name given with `yalu keys create --name`).
let people = {};
/** Remembers the display names of the last answer (`people`). */
export function setPeople(names) {
  people = names || {};
}
/** Who acted: the display name with the key id beside it, or the id. */
export function who(id) {
  if (!id) return '—';
  return people[id] ? `${people[id]} (${id})` : id;
}
