// Yalu workbench: the audit log as analysts see it. On the case page, the
// history: each audit entry as a sentence (who did what, then the words they
// wrote). On the dashboard, the button that exports the whole log as JSON
// lines (`GET /audit?format=jsonl`), kept as recorded.

import { el, append } from './dom.js';
import { count, fmtTime, humanize, who } from './format.js';
import { session } from './session.js';
import { ApiError, errorText } from './api.js';

// The fields of an audit state that hold a key id (shown with its name).
const ACTOR_FIELDS = /(^|\s)(assignee|requested_by|approved_by|closed_by)$/;

/** What an action changed, from the audit entry's before and after states. */
function stateChange(before, after) {
  const flat = (o, prefix = '') => Object.entries(o || {}).flatMap(([k, v]) => (
    v && typeof v === 'object' && !Array.isArray(v) ? flat(v, `${prefix}${k} `) : [[`${prefix}${k}`, v]]));
  const a = new Map(flat(before));
  const b = new Map(flat(after));
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  // Actors by name; codes (status, resolution) read out; other values as
  // written (a key id is never re-capitalised).
  const show = (k, v) => {
    if (v === null || v === undefined || v === '') return '—';
    if (ACTOR_FIELDS.test(k)) return who(String(v));
    return /(status|resolution|kind)$/.test(k) ? humanize(String(v)) : String(v);
  };
  // A field that only went from absent to empty changed nothing.
  return keys.filter((k) => show(k, a.get(k)) !== show(k, b.get(k)))
    .map((k) => (before ? `${humanize(k)}: ${show(k, a.get(k))} → ${show(k, b.get(k))}` : `${humanize(k)}: ${show(k, b.get(k))}`))
    .join('; ');
}

// Rule ids inside a recorded text, read out (`VISA_RUN_CYCLE` → Visa run
// cycle); key ids and other codes are left as written.
const readRules = (text) => text.replace(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g, (r) => humanize(r));

/**
 * One audit entry as a sentence: who did what, then the words they wrote
 * (comment, rationale) after a colon. Built from the entry's action and
 * its before and after states; the store's detail text is used only for
 * what the states do not hold (the free text, an investigation's rules).
 * The export (`/audit`) keeps the entry as recorded.
 */
function auditSentence(h) {
  const actor = who(h.actor);
  const b = h.before || {};
  const a = h.after || {};
  const detail = typeof h.detail === 'string' ? h.detail : (h.detail ? JSON.stringify(h.detail) : '');
  const reading = (code) => humanize(String(code || '')).toLowerCase();
  // The words after the store's fixed prefix (`true_match: ...`).
  const words = (prefix) => {
    const rest = prefix && detail.startsWith(prefix) ? detail.slice(prefix.length) : detail;
    const text = rest.replace(/^:\s*/, '').trim();
    return text ? `: ${text}` : '';
  };
  const asked = (ap) => (ap && ap.requested_by ? ` (asked by ${who(ap.requested_by)})` : '');
  switch (h.action) {
    case 'create':
      return /^opened /.test(detail) ? `${actor} ${readRules(detail)}` : `${actor} opened the case${detail ? `: ${readRules(detail)}` : ''}`;
    case 'extend':
      return `${actor} added to the investigation: ${readRules(detail)}`;
    case 'assign':
      return a.assignee ? `${actor} assigned the case to ${who(a.assignee)}` : `${actor} unassigned the case`;
    case 'comment':
      return `${actor} commented${words('')}`;
    case 'status':
      return `${actor} moved the case from ${reading(b.status)} to ${reading(a.status)}`;
    case 'close':
      return `${actor} closed the case as ${reading(a.resolution)}${words(a.resolution || '')}`;
    case 'request_approval': {
      const res = (a.approval || {}).resolution;
      return `${actor} asked to close as ${reading(res)}${words(res || '')}`;
    }
    case 'approve': {
      const ap = b.approval || {};
      return `${actor} approved closing as ${reading(a.resolution || ap.resolution)}${asked(ap)}${words(`approved ${ap.resolution} requested by ${ap.requested_by}`)}`;
    }
    case 'reject_approval': {
      const ap = b.approval || {};
      return `${actor} refused to close as ${reading(ap.resolution)}${asked(ap)} and sent the case back to review${words(`rejected ${ap.resolution} requested by ${ap.requested_by}`)}`;
    }
    case 'suppressed':
      return `${actor} imported a hit again; not raised: ${detail.replace(/^hit on record/, 'record')}`;
    default: {
      const change = stateChange(h.before, h.after);
      return `${actor}: ${humanize(h.action).toLowerCase()}${change ? ` (${change})` : ''}${detail ? `: ${readRules(detail)}` : ''}`;
    }
  }
}

export function historySection(history) {
  return el('section', { class: 'panel', 'aria-labelledby': 'history-title' },
    el('h2', { id: 'history-title' }, 'History (audit log)'),
    history.length ? el('ol', { class: 'history' }, history.map((h) => el('li', {},
      el('time', { datetime: h.at || '' }, `${fmtTime(h.at)} · entry ${h.seq}`),
      el('span', { class: 'sentence' }, auditSentence(h))))) : el('p', { class: 'muted' }, 'Nothing recorded yet.'));
}

/** Downloads the whole audit log as JSON lines (`GET /audit?format=jsonl`). */
export function auditExport() {
  const status = el('span', { id: 'audit-export-status', role: 'status' });
  const button = el('button', { type: 'button', class: 'secondary', id: 'audit-export' }, 'Export the audit log (JSON lines)');
  button.addEventListener('click', async () => {
    status.textContent = '';
    try {
      const response = await fetch('/audit?format=jsonl', { headers: { Authorization: `Bearer ${session.key}` } });
      if (!response.ok) throw new ApiError(response.status, null, await response.text());
      const text = await response.text();
      const lines = text.split('\n').filter(Boolean).length;
      const link = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' })), download: 'yalu-audit.jsonl', id: 'audit-export-link' }, 'yalu-audit.jsonl');
      append(status, [`${count.format(lines)} entries: `, link]);
      link.click();
    } catch (e) {
      status.textContent = `Export failed: ${errorText(e)}`;
    }
  });
  return el('div', { class: 'actions' }, button, ' ', status);
}
