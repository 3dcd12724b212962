// Yalu workbench: the case page (#/cases/ID): the case's facts, what was
// found (or an investigation's alerts and hits), its timeline (timeline.js),
// network (network.js), rule explanations (explain.js), comments, history
// (audit.js), and the forms that work the case (assign, status, comment,
// close, four-eyes approval). Analysts and admins only.

import { el, announce, badge, field, notice, select } from './dom.js';
import { count, fmtMoney, fmtScore, fmtTime, humanize, setPeople, who } from './format.js';
import { session } from './session.js';
import { api, errorText } from './api.js';
import { render, needAnalyst, nextMessage } from './page.js';
import { explainSection, explanationDetails } from './explain.js';
import { timelineSection } from './timeline.js';
import { networkSection } from './network.js';
import { historySection } from './audit.js';

export async function viewCase(id) {
  if (!session.isAnalyst()) return needAnalyst('Cases');
  const data = await api('GET', `/cases/${encodeURIComponent(id)}`);
  setPeople(data.people);
  const c = data.case;
  const me = session.me || {};
  const flash = el('div', { id: 'case-flash', role: 'status' });

  const facts = el('dl', { class: 'facts' },
    fact('Case id', el('code', {}, c.id)),
    fact('Kind', c.kind === 'hit' ? 'Screening hit' : c.kind === 'investigation' ? 'Investigation' : 'Detection alert'),
    typeof c.workers === 'number' ? fact('Workers', count.format(c.workers)) : null,
    typeof c.priority === 'number' ? fact('Priority', c.priority.toFixed(1)) : null,
    c.investigation_id ? fact('Investigation', el('a', { href: `#/cases/${c.investigation_id}` }, `Investigation ${c.investigation_id}`)) : null,
    fact('Rule', c.rule ? el('span', {}, humanize(c.rule), ' ', el('code', {}, c.rule)) : '—'),
    fact('Severity', badge('sev', c.severity) || '—'),
    fact('Status', badge('st', c.status)),
    c.resolution ? fact('Resolution', humanize(c.resolution)) : null,
    c.rationale ? fact('Closing rationale', c.rationale) : null,
    c.closed_by ? fact('Closed by', who(c.closed_by)) : null,
    fact('Assignee', c.assignee ? who(c.assignee) : 'unassigned'),
    typeof c.score === 'number' ? fact('Score', fmtScore(c.score)) : null,
    typeof c.estimated_revenue_usd === 'number' ? fact('Estimated revenue', fmtMoney(c.estimated_revenue_usd)) : null,
    c.approval && c.approval.requested_by ? fact('Approval requested by', who(c.approval.requested_by)) : null,
    c.approval && c.approval.approved_by ? fact('Approved by', who(c.approval.approved_by)) : null,
    fact('Created', fmtTime(c.created_at)),
    fact('Updated', fmtTime(c.updated_at)));

  const original = data.alert || data.hit || null;
  // An alert or hit may carry its own evidence, built from the data set
  // it was found in (`yalu demo` attaches it); the server's own view
  // holds only ids.
  const evidence = (original && original.evidence) || data.evidence || { timeline: [], network: { nodes: [], edges: [] } };

  render(c.title || c.id,
    el('p', {}, el('a', { href: '#/cases' }, '← Case queue')),
    el('div', { class: 'case-head' },
      el('h1', {}, c.title || c.id), badge('st', c.status), badge('sev', c.severity)),
    flash,
    el('div', { class: 'case-grid' },
      el('div', {},
        c.kind === 'investigation' ? membersSection(data.members || []) : summarySection(c, original),
        timelineSection(evidence.timeline || [], evidence.timeline_persons || 0),
        networkSection((evidence.network || {}).nodes || [], (evidence.network || {}).edges || []),
        explainSection(evidence.explanations || []),
        commentsSection(data.comments || []),
        historySection(data.history || [])),
      el('div', {},
        el('section', { class: 'panel', 'aria-labelledby': 'facts-title' },
          el('h2', { id: 'facts-title' }, 'Case'), facts),
        actionsSection(c, me, flash))));
}

// An investigation's alerts and hits, highest priority first: the first
// few, then all of them (as the answer holds them) on request, so that a
// scheme of hundreds of alerts does not bury the diagrams below.
function membersSection(members) {
  const FIRST = 15;
  const row = (m) => el('tr', {},
    el('th', { scope: 'row' }, el('a', { href: `#/cases/${encodeURIComponent(m.id)}` }, m.title || m.id)),
    el('td', {}, humanize(m.rule)),
    el('td', {}, badge('sev', m.severity) || '—'),
    el('td', { class: 'num' }, typeof m.workers === 'number' ? count.format(m.workers) : '—'),
    el('td', { class: 'num' }, m.kind === 'hit' ? `score ${fmtScore(m.score)}` : fmtMoney(m.estimated_revenue_usd)));
  const body = el('tbody', {}, members.slice(0, FIRST).map(row));
  const note = el('p', { class: 'muted', id: 'members-shown', 'aria-live': 'polite' },
    members.length > FIRST ? `The ${FIRST} of highest priority are listed.` : '');
  const more = members.length > FIRST
    ? el('button', { type: 'button', class: 'secondary', id: 'members-all' }, `Show all ${count.format(members.length)}`)
    : null;
  if (more) {
    more.addEventListener('click', () => {
      body.replaceChildren(...members.map(row));
      note.textContent = `All ${count.format(members.length)} are listed, highest priority first.`;
      more.remove();
    });
  }
  return el('section', { class: 'panel', 'aria-labelledby': 'members-title' },
    el('h2', { id: 'members-title' }, `Alerts and hits in this investigation (${count.format(members.length)})`),
    note,
    el('div', { class: 'table-wrap' }, el('table', { id: 'member-table' },
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col' }, 'Finding'), el('th', { scope: 'col' }, 'Rule'),
        el('th', { scope: 'col' }, 'Severity'), el('th', { scope: 'col', class: 'num' }, 'Workers'),
        el('th', { scope: 'col', class: 'num' }, 'Revenue'))),
      body)),
    more);
}

function fact(term, value) {
  return [el('dt', {}, term), el('dd', {}, value)];
}

function summarySection(c, original) {
  const body = [];
  if (original && original.summary) body.push(el('p', {}, original.summary));
  if (original && (original.period_start || original.period_end)) {
    body.push(el('p', { class: 'muted' }, `Period: ${original.period_start || '?'} to ${original.period_end || '?'}`));
  }
  if (original && original.explanations) {
    body.push(el('p', {}, `Screened “${original.query_name || ''}” against “${original.caption || original.entity_id}” (${(original.datasets || []).join(', ')}).`));
    body.push(explanationDetails(original.explanations, original.caption || 'the list entry'));
  }
  const subjects = c.subject_ids || [];
  const evidenceIds = c.evidence_ids || [];
  if (subjects.length) body.push(el('p', {}, el('strong', {}, 'Subjects: '), el('span', { class: 'id-list' }, subjects.join(', '))));
  if (evidenceIds.length) body.push(el('p', {}, el('strong', {}, `Evidence records (${evidenceIds.length}): `), el('span', { class: 'id-list' }, evidenceIds.join(', '))));
  return el('section', { class: 'panel', 'aria-labelledby': 'summary-title' },
    el('h2', { id: 'summary-title' }, 'What was found'), body.length ? body : el('p', { class: 'muted' }, 'No summary recorded.'));
}
function commentsSection(comments) {
  return el('section', { class: 'panel', 'aria-labelledby': 'comments-title' },
    el('h2', { id: 'comments-title' }, `Comments (${comments.length})`),
    comments.length ? el('ol', { class: 'history' }, comments.map((m) => el('li', {},
      el('time', { datetime: m.at || m.created_at || '' }, `${fmtTime(m.at || m.created_at)} · ${who(m.author || m.actor)}`),
      m.text || ''))) : el('p', { class: 'muted' }, 'No comments yet.'));
}

function actionsSection(c, me, flash) {
  const section = el('section', { class: 'panel', 'aria-labelledby': 'actions-title' },
    el('h2', { id: 'actions-title' }, 'Work the case'));
  const act = async (label, path, body) => {
    flash.textContent = '';
    try {
      // The version this page shows: if someone changed the case since,
      // the server refuses (409 version_conflict) instead of overwriting.
      await api('POST', `/cases/${encodeURIComponent(c.id)}/${path}`, { ...(body || {}), version: c.version });
      nextMessage(label);
      await viewCase(c.id);
    } catch (e) {
      flash.append(notice('error', `${errorText(e)}`));
      announce(errorText(e));
    }
  };
  if (c.status === 'closed') {
    section.append(el('p', {}, `Closed as ${humanize(c.resolution)}.`));
  }

  // Approval (four eyes).
  if (c.status === 'pending_approval') {
    const requestedBy = c.approval && c.approval.requested_by;
    const mine = requestedBy && requestedBy === me.key_id;
    const rationale = el('textarea', { id: 'approve-rationale', name: 'rationale' });
    const approve = el('form', { 'aria-labelledby': 'approve-title' },
      el('h3', { id: 'approve-title' }, 'Approve the closure'),
      el('p', {}, `Closing as a true match needs a second analyst. Requested by `, el('strong', {}, requestedBy ? who(requestedBy) : 'unknown'), '.'),
      mine ? el('p', { class: 'notice info', id: 'four-eyes-note' }, 'You asked for this closure, so a different analyst must approve it.') : null,
      field('Approval note (optional)', rationale),
      el('div', { class: 'actions' },
        el('button', { type: 'submit', disabled: mine, 'aria-describedby': mine ? 'four-eyes-note' : null }, 'Approve closure'),
        el('button', { type: 'button', class: 'secondary', id: 'reject-approval' }, 'Send back for review')));
    approve.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const body = rationale.value.trim() ? { rationale: rationale.value.trim() } : {};
      act('Closure approved.', 'approve', body);
    });
    approve.querySelector('#reject-approval').addEventListener('click', () => act('Sent back for review.', 'reject-approval', {}));
    section.append(approve);
  }

  if (c.status !== 'closed') {
    // Assign.
    const assignee = el('input', { id: 'assignee', name: 'assignee', type: 'text', value: c.assignee || '', size: 16 });
    const assign = el('form', { 'aria-labelledby': 'assign-title' },
      el('h3', { id: 'assign-title' }, 'Assignee'),
      el('div', { class: 'row' }, field('Assign to', assignee, 'Key id or name'),
        el('button', { type: 'submit', class: 'secondary' }, 'Assign'),
        el('button', { type: 'button', class: 'secondary', id: 'assign-me' }, 'Assign to me')));
    assign.addEventListener('submit', (ev) => { ev.preventDefault(); if (assignee.value.trim()) act('Assigned.', 'assign', { assignee: assignee.value.trim() }); });
    assign.querySelector('#assign-me').addEventListener('click', () => act('Assigned to you.', 'assign', { assignee: me.key_id }));
    section.append(assign);

    // Status.
    if (c.status !== 'pending_approval') {
      const status = select('new-status', 'status', [['open', 'Open'], ['in_review', 'In review'], ['escalated', 'Escalated']], c.status);
      const form = el('form', { 'aria-labelledby': 'status-title' },
        el('h3', { id: 'status-title' }, 'Status'),
        el('div', { class: 'row' }, field('Set status', status), el('button', { type: 'submit', class: 'secondary' }, 'Set status')));
      form.addEventListener('submit', (ev) => { ev.preventDefault(); act(`Status set to ${humanize(status.value)}.`, 'status', { status: status.value }); });
      section.append(form);
    }
  }

  // Comment (also on closed cases: notes after the fact).
  const text = el('textarea', { id: 'comment-text', name: 'text', required: true });
  const comment = el('form', { 'aria-labelledby': 'comment-title' },
    el('h3', { id: 'comment-title' }, 'Comment'),
    field('Comment', text),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'secondary' }, 'Add comment')));
  comment.addEventListener('submit', (ev) => { ev.preventDefault(); if (text.value.trim()) act('Comment added.', 'comment', { text: text.value.trim() }); });
  section.append(comment);

  // Close.
  if (c.status !== 'closed' && c.status !== 'pending_approval') {
    const rationale = el('textarea', { id: 'close-rationale', name: 'rationale', required: true, 'aria-describedby': 'close-hint' });
    // Nothing is preselected: the analyst chooses the resolution.
    const radio = (value, label, checked) => el('label', {}, el('input', { type: 'radio', name: 'resolution', value, checked, required: true }), label);
    const close = el('form', { 'aria-labelledby': 'close-title' },
      el('h3', { id: 'close-title' }, 'Close the case'),
      el('fieldset', {}, el('legend', {}, 'Resolution'),
        el('div', { class: 'radios' },
          radio('true_match', 'True match', false),
          radio('false_positive', 'False positive', false),
          radio('not_actionable', 'Not actionable', false))),
      el('div', { class: 'field' }, el('label', { for: 'close-rationale' }, 'Rationale'), rationale,
        el('span', { class: 'hint', id: 'close-hint' }, 'Required. A true match waits for a second analyst’s approval.')),
      el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'danger' }, 'Close case')));
    close.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const resolution = new FormData(close).get('resolution');
      act(resolution === 'true_match' ? 'Closure requested: waiting for a second analyst.' : 'Case closed.', 'close',
        { resolution, rationale: rationale.value });
    });
    section.append(close);
  }
  return section;
}
