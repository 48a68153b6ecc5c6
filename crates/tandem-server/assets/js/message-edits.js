// Taking back or correcting one's own reply or note for a short while after sending it (a remark
// that reached the customer by mistake, a typo): small Edit and Delete buttons on the agent's own
// messages while the edit window lasts (the server says how long, on #timeline), an inline editor
// with Save and Cancel, a confirmation before deleting, and the edited or deleted state of any
// message as the server has it (also when it changes live, `message_updated`).
import { api, attempt, el, when } from './api.js';

const $ = (id) => document.getElementById(id);

const TEXTS = {
  deleted: 'This message was deleted.',
  edited: 'edited',
  edit: 'Edit',
  delete: 'Delete',
  editLabel: 'Edit this message',
  deleteLabel: 'Delete this message',
  editorLabel: 'The new text of your message',
  save: 'Save',
  cancel: 'Cancel',
  confirmReply: 'Delete this reply? Its text is gone for good; the customer sees that a message was deleted.',
  confirmNote: 'Delete this note? Its text is gone for good.',
  confirmYes: 'Delete for good',
  confirmNo: 'Keep it',
  saved: 'Message edited.',
  removed: 'Message deleted.',
};

let me = null; // the staff member looking at the inbox
let open = () => null; // the open conversation's detail (with its messages)
const timers = new WeakMap(); // li -> the timer that hides its buttons when the window passes

/** Wires the module: who is looking, and how to read the open conversation. */
export function setupMessageEdits(staff, openConversation) {
  me = staff;
  open = openConversation;
}

/** How long after sending a message can still be changed, in milliseconds. */
function windowMs() {
  return Number($('timeline')?.dataset.editWindow || 0) * 1000;
}

/** The moment message `m` can no longer be changed (epoch ms). */
const closesAt = (m) => new Date(m.created_at).getTime() + windowMs();

function mine(m) {
  return !!me && m.author === 'agent' && m.author_user_id === me.id && !m.deleted_at;
}

/**
 * Shows message `m`'s edited or deleted state in its timeline item `li`, and, on the viewer's own
 * reply or note still within the window, its Edit and Delete buttons. Returns `li`.
 */
export function withEdits(li, m) {
  for (const old of li.querySelectorAll('.msg-edited, .msg-actions, .msg-editor, .msg-confirm')) old.remove();
  clearTimeout(timers.get(li));
  const text = li.querySelector('.msg-text');
  if (text) text.hidden = false;
  if (m.deleted_at) {
    li.classList.add('msg-deleted');
    if (text) text.textContent = TEXTS.deleted;
    for (const extra of li.querySelectorAll('.msg-sources, .files')) extra.remove();
    return li;
  }
  if (m.edited_at) li.querySelector('.msg-head')?.append(el('span', { class: 'msg-edited', title: 'Edited ' + when(m.edited_at), text: TEXTS.edited }));
  const left = closesAt(m) - Date.now();
  if (mine(m) && left > 0) {
    const actions = el(
      'div',
      { class: 'msg-actions' },
      el('button', { type: 'button', class: 'link msg-edit', 'aria-label': TEXTS.editLabel, text: TEXTS.edit, onclick: () => startEditing(li, m) }),
      el('button', { type: 'button', class: 'link msg-delete', 'aria-label': TEXTS.deleteLabel, text: TEXTS.delete, onclick: () => confirmDelete(li, m) }),
    );
    li.append(actions);
    // The buttons (and an open editor or confirmation) go when the window passes; the server
    // refuses later changes anyway.
    timers.set(li, setTimeout(() => withEdits(li, currentOf(m)), Math.min(left, 2 ** 31 - 1)));
  }
  return li;
}

/** Applies a `message_updated` frame (or an answer of the API) to the open conversation. */
export function messageUpdated(frame) {
  const c = open();
  const m = frame.message;
  if (!c || !m || (frame.conversation_id || m.conversation_id) !== c.id) return;
  const i = c.messages.findIndex((x) => x.id === m.id);
  if (i >= 0) c.messages[i] = m;
  const li = [...$('timeline').children].find((x) => x.dataset.id === m.id);
  if (!li) return;
  const text = li.querySelector('.msg-text');
  if (text) text.textContent = m.text;
  withEdits(li, m);
}

function startEditing(li, m) {
  const text = li.querySelector('.msg-text');
  li.querySelector('.msg-actions')?.remove();
  const box = el('textarea', { class: 'msg-editor-text', rows: 3, 'aria-label': TEXTS.editorLabel });
  box.value = m.text;
  const cancel = () => withEdits(li, currentOf(m));
  const save = async () => {
    const changed = await attempt(() => api('PATCH', '/conversations/' + m.conversation_id + '/messages/' + m.id, { text: box.value }), TEXTS.saved);
    if (changed) messageUpdated({ conversation_id: m.conversation_id, message: changed });
  };
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      cancel();
    } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      save();
    }
  });
  const editor = el(
    'form',
    { class: 'msg-editor', onsubmit: (e) => { e.preventDefault(); save(); } },
    box,
    el('div', { class: 'msg-editor-actions' }, el('button', { type: 'submit', class: 'primary', text: TEXTS.save }), el('button', { type: 'button', class: 'secondary', text: TEXTS.cancel, onclick: cancel })),
  );
  if (text) text.hidden = true;
  li.append(editor);
  box.focus();
}

function confirmDelete(li, m) {
  li.querySelector('.msg-actions')?.remove();
  const keep = el('button', { type: 'button', class: 'secondary', text: TEXTS.confirmNo, onclick: () => withEdits(li, currentOf(m)) });
  const remove = async () => {
    const deleted = await attempt(() => api('DELETE', '/conversations/' + m.conversation_id + '/messages/' + m.id), TEXTS.removed);
    if (deleted) messageUpdated({ conversation_id: m.conversation_id, message: deleted });
  };
  const box = el(
    'div',
    { class: 'msg-confirm', role: 'group', 'aria-label': TEXTS.deleteLabel },
    el('p', { text: m.internal ? TEXTS.confirmNote : TEXTS.confirmReply }),
    el('button', { type: 'button', class: 'danger', text: TEXTS.confirmYes, onclick: remove }),
    keep,
  );
  li.append(box);
  keep.focus();
}

/** The message as the open conversation has it now (it may have changed meanwhile). */
function currentOf(m) {
  return open()?.messages.find((x) => x.id === m.id) || m;
}
