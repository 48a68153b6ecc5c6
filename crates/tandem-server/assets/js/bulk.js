// Bulk actions on the conversation list: tick several cases and assign, tag or resolve them in one
// request (POST /conversations/bulk), which applies the single update's rules to each and says
// case by case what happened.
import { api, attempt, el, flash } from './api.js';

const $ = (id) => document.getElementById(id);

const selected = new Set(); // conversation ids
let visible = () => []; // the listed conversations
let done = () => {};

/** Wires the bulk bar; `list()` gives the listed conversations, `after()` reloads. */
export function setupBulk(list, after) {
  visible = list;
  done = after;
  $('bulk-all').addEventListener('change', (e) => {
    for (const c of visible()) e.target.checked ? selected.add(c.id) : selected.delete(c.id);
    render();
  });
  $('bulk-assignee').addEventListener('change', (e) => {
    const to = e.target.value;
    e.target.value = '';
    if (to) apply({ assignee_id: to === 'none' ? null : to }, 'assigned');
  });
  $('bulk-tag-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const tag = $('bulk-tag').value.trim();
    if (!tag) return;
    $('bulk-tag').value = '';
    apply({ add_tags: [tag] }, 'tagged ' + tag);
  });
  $('bulk-resolve').addEventListener('click', () => apply({ status: 'resolved' }, 'resolved'));
  $('bulk-clear').addEventListener('click', () => {
    selected.clear();
    render();
  });
}

/** Fills the assignee picker with the active staff (`users`: id -> user). */
export function bulkAssignees(users, me) {
  const pick = $('bulk-assignee');
  for (const u of users.values()) {
    if (u.active === false) continue;
    pick.append(el('option', { value: u.id, text: u.name + (u.id === me.id ? ' (me)' : '') }));
  }
  pick.append(el('option', { value: 'none', text: 'Nobody (back to the queue)' }));
}

/** The checkbox that selects conversation `c` in the list. */
export function bulkCheckbox(c) {
  return el('input', {
    type: 'checkbox',
    class: 'bulk-check',
    'aria-label': 'Select the conversation with ' + c.customer.name,
    checked: selected.has(c.id),
    onchange: () => toggle(c.id),
  });
}

/** Ticks or unticks conversation `id` (the `x` shortcut on the highlighted case). */
export function toggle(id) {
  selected.has(id) ? selected.delete(id) : selected.add(id);
  render();
}

/** Keeps the selection to the listed conversations and shows the bar when any is selected. */
export function render() {
  const ids = new Set(visible().map((c) => c.id));
  for (const id of [...selected]) if (!ids.has(id)) selected.delete(id);
  $('bulk-bar').hidden = selected.size === 0;
  $('bulk-count').textContent = selected.size === 1 ? '1 selected' : selected.size + ' selected';
  $('bulk-all').checked = ids.size > 0 && selected.size === ids.size;
  for (const box of document.querySelectorAll('#conv-list .bulk-check')) box.checked = selected.has(box.closest('[data-id]').dataset.id);
}

async function apply(change, what) {
  if (!selected.size) return;
  const answer = await attempt(() => api('POST', '/conversations/bulk', { ids: [...selected], change }));
  if (!answer) return;
  const failed = answer.results.filter((r) => r.error);
  const ok = answer.results.length - failed.length;
  if (failed.length) flash(ok + ' ' + what + '; ' + failed.length + ' not changed: ' + failed[0].error.message, 'error');
  else flash(ok + (ok === 1 ? ' conversation ' : ' conversations ') + what + '.', 'ok');
  selected.clear();
  await done();
  render();
}
